/// subword-nmt's `indices`: for each symbol pair, a count per word (`indices[pair][word]`), kept
/// exactly as learn_bpe.py keeps it, including counts that drop to 0 or below.
///
/// Only the words whose count is at least 1 are merged (`replace_pair` skips the others), and
/// since the counts follow subword-nmt's update rules rather than the words' contents, we keep the
/// counts themselves. Each (pair, word) entry is a node in a per-pair linked list, found through an
/// `IntegerMap` keyed by both ids; a pair's nodes are recycled when the pair is merged.
struct BPEPairIndex {
    private var nodes = IntegerMap(capacity: 1 << 20)
    private var nodeWord: [Int32] = []
    private var nodeCount: [Int32] = []
    private var nodeNext: [Int32] = []
    /// First node of each pair's list, or -1.
    private var head: [Int32] = []
    /// Recycled nodes, linked through `nodeNext`.
    private var free: Int32 = -1

    /// `indices[pair][word] += delta`.
    /// - Complexity: O(1) expected.
    @inline(__always)
    mutating func add(pair: Int, word: Int, _ delta: Int32) {
        if pair >= head.count { head.append(contentsOf: repeatElement(-1, count: pair + 1 - head.count)) }
        let (node, inserted) = nodes.findOrInsert(IntegerMap.key(pair, word), Int(free >= 0 ? free : Int32(nodeWord.count)))
        if inserted {
            if free >= 0 {
                free = nodeNext[node]
                nodeWord[node] = Int32(word)
                nodeCount[node] = delta
                nodeNext[node] = head[pair]
            } else {
                nodeWord.append(Int32(word))
                nodeCount.append(delta)
                nodeNext.append(head[pair])
            }
            head[pair] = Int32(node)
        } else {
            nodeCount[node] += delta
        }
    }

    /// Appends to `words` the words where `pair`'s count is at least 1, as `replace_pair` visits them.
    /// - Complexity: O(entries of `pair`).
    func words(of pair: Int, into words: inout [Int32]) {
        guard pair < head.count else { return }
        var node = head[pair]
        while node >= 0 {
            if nodeCount[Int(node)] >= 1 { words.append(nodeWord[Int(node)]) }
            node = nodeNext[Int(node)]
        }
    }

    /// `indices[pair] = defaultdict(int)`.
    /// - Complexity: O(entries of `pair`).
    mutating func clear(pair: Int) {
        guard pair < head.count else { return }
        var node = head[pair]
        while node >= 0 {
            let next = nodeNext[Int(node)]
            nodes.remove(IntegerMap.key(pair, Int(nodeWord[Int(node)])))
            nodeNext[Int(node)] = free
            free = node
            node = next
        }
        head[pair] = -1
    }
}
