/// subword-nmt's pair counts during BPE learning: the pruned `stats`, the full `big_stats`, and
/// the choice `max(stats, key=lambda x: (stats[x], x))`, reproduced exactly (learn_bpe.py 0.3.8).
///
/// Both are `defaultdict(int)`s from symbol pairs to frequencies. `stats` holds only the pairs
/// at or above a threshold; `prune` moves the others to `big_stats`, and when the best pair in
/// `stats` falls below the threshold, `stats` is rebuilt from `big_stats`. A pruned pair that a
/// later merge touches comes back into `stats` holding only the change since it was pruned, and a
/// second prune *overwrites* its `big_stats` entry with that change when it is not negative, and
/// *adds* it when negative, even to a pair whose `stats` count was reset to 0 by its merge, whose
/// `big_stats` entry still holds the count from before (so the pair can be learned again once
/// `stats` is rebuilt; Tests/Fixtures/bpe/prune.codes has such a case). So the counts are not
/// always exact, and this can change which pair wins: we keep the same data (membership, both
/// values) rather than exact counts.
///
/// Pairs get dense ids (interned through an `IntegerMap`). The best pair comes from a lazy max-heap
/// ordered like Python's key: frequency, then the first symbol's string, then the second's (code
/// point order = UTF-8 byte order). An entry is pushed when a pair enters `stats` or its count
/// rises; entries that no longer match the count are dropped or refreshed when they surface.
struct BPEPairStatistics {
    /// The symbols of pair `p`.
    private(set) var first: [Int32] = []
    private(set) var second: [Int32] = []
    private var ids = IntegerMap(capacity: 1 << 16)

    /// `stats[p]` when `slot[p] >= 0`, and `members[slot[p]] == p`.
    private var value: [Int] = []
    private var slot: [Int32] = []
    private var members: [Int32] = []
    /// `big_stats[p]` when `inBig[p]`; `bigMembers` lists those pairs.
    private var big: [Int] = []
    private var inBig: [Bool] = []
    private var bigMembers: [Int32] = []

    private struct Entry {
        var value: Int
        var pair: Int32
    }
    private var heap: [Entry] = []
    /// Set when `stats` was replaced wholesale: the heap is rebuilt before its next use.
    private var heapIsStale = true

    var pairCount: Int { first.count }
    var isEmpty: Bool { members.isEmpty }

    /// The id of the pair (`a`, `b`), made when new (neither in `stats` nor in `big_stats`).
    /// - Complexity: O(1) expected.
    @inline(__always)
    mutating func pair(_ a: Int32, _ b: Int32) -> Int {
        let (id, inserted) = ids.findOrInsert(IntegerMap.key(Int(a), Int(b)), first.count)
        if inserted {
            first.append(a)
            second.append(b)
            value.append(0)
            slot.append(-1)
            big.append(0)
            inBig.append(false)
        }
        return id
    }

    /// `stats[p]`, or nil when `p` is not in `stats`.
    @inline(__always)
    func count(_ p: Int) -> Int? { slot[p] >= 0 ? value[p] : nil }

    /// `stats[p] += delta` (a missing pair starts at 0, as in a `defaultdict`).
    /// - Complexity: O(log heap size) when the count rises, else O(1).
    @inline(__always)
    mutating func add(_ p: Int, _ delta: Int, symbols: ByteStringTable) {
        if slot[p] < 0 {
            insert(p, delta, symbols: symbols)
        } else {
            value[p] += delta
            if delta > 0 { push(Entry(value: value[p], pair: Int32(p)), symbols: symbols) }
        }
    }

    /// `stats[p] = newValue`.
    mutating func set(_ p: Int, _ newValue: Int, symbols: ByteStringTable) {
        if slot[p] < 0 {
            insert(p, newValue, symbols: symbols)
        } else {
            let rises = newValue > value[p]
            value[p] = newValue
            if rises { push(Entry(value: newValue, pair: Int32(p)), symbols: symbols) }
        }
    }

    /// Reading `stats[p]` from the `defaultdict`, which inserts a missing pair at 0.
    mutating func read(_ p: Int, symbols: ByteStringTable) -> Int {
        if slot[p] < 0 { insert(p, 0, symbols: symbols) }
        return value[p]
    }

    private mutating func insert(_ p: Int, _ newValue: Int, symbols: ByteStringTable) {
        value[p] = newValue
        slot[p] = Int32(members.count)
        members.append(Int32(p))
        push(Entry(value: newValue, pair: Int32(p)), symbols: symbols)
    }

    /// Sets `big_stats` to the counts in `stats`, as `copy.deepcopy(stats)` does at the start.
    mutating func copyToBig() {
        for p in members {
            big[Int(p)] = value[Int(p)]
            if !inBig[Int(p)] { inBig[Int(p)] = true; bigMembers.append(p) }
        }
    }

    /// The largest count in `stats` (`max(stats.values())`), or nil when it is empty.
    func largestCount() -> Int? {
        members.lazy.map { value[Int($0)] }.max()
    }

    /// `prune_stats`: every pair in `stats` below `threshold` leaves it; `big_stats` takes its count
    /// when that is not negative, and adds it when negative (a decrease since an earlier prune).
    /// - Complexity: O(|stats|), plus O(|stats|) to rebuild the heap when it holds many stale entries.
    mutating func prune(threshold: Double, symbols: ByteStringTable) {
        var kept = 0
        for k in 0..<members.count {
            let p = Int(members[k])
            let frequency = value[p]
            if Double(frequency) < threshold {
                slot[p] = -1
                if frequency < 0 { big[p] += frequency } else { big[p] = frequency }
                if !inBig[p] { inBig[p] = true; bigMembers.append(Int32(p)) }
            } else {
                members[kept] = Int32(p)
                slot[p] = Int32(kept)
                kept += 1
            }
        }
        members.removeLast(members.count - kept)
        if heapIsStale || heap.count > 2 * members.count + 1024 { rebuildHeap(symbols: symbols) }
    }

    /// `stats = copy.deepcopy(big_stats)` followed by `max(stats, key=…)`: what `stats` held is
    /// dropped (the caller has just pruned it), every pair of `big_stats` comes in with its
    /// `big_stats` count, and the best of them is returned (nil when `big_stats` is empty).
    /// - Complexity: O(|big_stats|).
    mutating func restoreFromBig(symbols: ByteStringTable) -> Int? {
        for p in members { slot[Int(p)] = -1 }
        members = bigMembers
        var best = -1
        for k in 0..<members.count {
            let p = Int(members[k])
            value[p] = big[p]
            slot[p] = Int32(k)
            if best < 0 || isAbove(value[p], p, value[best], best, symbols: symbols) { best = p }
        }
        heapIsStale = true
        return best >= 0 ? best : nil
    }

    /// `max(stats, key=lambda x: (stats[x], x))`; `stats` must not be empty.
    /// - Complexity: O(log heap size) amortized over the entries pushed.
    mutating func best(symbols: ByteStringTable) -> Int {
        precondition(!members.isEmpty)
        if heapIsStale { rebuildHeap(symbols: symbols) }
        while true {
            let top = heap[0]
            let p = Int(top.pair)
            if slot[p] >= 0 && value[p] == top.value { return p }
            popTop(symbols: symbols)
            // The count fell since this entry was pushed: queue it again with its current count.
            if slot[p] >= 0 { push(Entry(value: value[p], pair: top.pair), symbols: symbols) }
        }
    }

    // MARK: Heap

    /// Python's order on (count, (first, second)): true when pair `p` with count `a` beats `q` with `b`.
    @inline(__always)
    private func isAbove(_ a: Int, _ p: Int, _ b: Int, _ q: Int, symbols: ByteStringTable) -> Bool {
        if a != b { return a > b }
        if p == q { return false }
        if first[p] != first[q] {
            return symbols.withString(Int(first[q])) { left in
                symbols.withString(Int(first[p])) { PythonText.isLess(left, $0) }
            }
        }
        return symbols.withString(Int(second[q])) { left in
            symbols.withString(Int(second[p])) { PythonText.isLess(left, $0) }
        }
    }

    @inline(__always)
    private func isAbove(_ x: Entry, _ y: Entry, symbols: ByteStringTable) -> Bool {
        isAbove(x.value, Int(x.pair), y.value, Int(y.pair), symbols: symbols)
    }

    private mutating func push(_ entry: Entry, symbols: ByteStringTable) {
        if heapIsStale { return }
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if !isAbove(entry, heap[parent], symbols: symbols) { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    private mutating func popTop(symbols: ByteStringTable) {
        let last = heap.removeLast()
        if heap.isEmpty { return }
        siftDown(last, from: 0, symbols: symbols)
    }

    private mutating func siftDown(_ entry: Entry, from start: Int, symbols: ByteStringTable) {
        let count = heap.count
        var parent = start
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && isAbove(heap[child + 1], heap[child], symbols: symbols) { child += 1 }
            if !isAbove(heap[child], entry, symbols: symbols) { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = entry
    }

    /// One exact entry per pair in `stats`, heapified bottom-up.
    private mutating func rebuildHeap(symbols: ByteStringTable) {
        heapIsStale = false
        heap.removeAll(keepingCapacity: true)
        for p in members { heap.append(Entry(value: value[Int(p)], pair: p)) }
        var start = heap.count / 2 - 1
        while start >= 0 {
            siftDown(heap[start], from: start, symbols: symbols)
            start -= 1
        }
    }
}
