/// A hash map from 64-bit keys to `Int` values: open addressing, linear probing, at most half
/// full, deletion by backward shift (no tombstones).
///
/// BPE packs a pair of 32-bit ids into one key (`IntegerMap.key(_:_:)`); Swift's `Dictionary`
/// would hash each key with SipHash, which costs more than the rest of a lookup here. A key and its
/// value share a slot, so a lookup in a table larger than the cache misses it once, not twice.
struct IntegerMap {
    private static let empty = UInt64.max
    private struct Slot {
        var key: UInt64
        var value: Int
    }
    private var slots: [Slot]
    private(set) var count = 0

    /// - Parameter capacity: how many keys fit before the table first grows.
    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: Slot(key: Self.empty, value: 0), count: size)
    }

    /// The key of the pair (`first`, `second`); both must be in 0..<2³¹.
    @inline(__always)
    static func key(_ first: Int, _ second: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: first) << 32 | UInt64(truncatingIfNeeded: second)
    }

    @inline(__always)
    private static func home(_ key: UInt64, mask: Int) -> Int {
        // Fibonacci hashing: the multiply spreads both halves of the key over the top bits.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value for `key`, or nil.
    /// - Complexity: O(1) expected.
    @inline(__always)
    subscript(key: UInt64) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Self.home(key, mask: mask)
            while true {
                let found = slots[slot]
                if found.key == key { return found.value }
                if found.key == Self.empty { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func slot(of key: UInt64) -> Int {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Self.home(key, mask: mask)
            while slots[slot].key != key && slots[slot].key != Self.empty { slot = (slot + 1) & mask }
            return slot
        }
    }

    /// Sets the value for `key`.
    mutating func set(_ key: UInt64, _ value: Int) {
        precondition(key != Self.empty)
        let slot = slot(of: key)
        if slots[slot].key == Self.empty {
            slots[slot] = Slot(key: key, value: value)
            count += 1
            if count * 2 > slots.count { grow() }
        } else {
            slots[slot].value = value
        }
    }

    /// The value for `key`, after inserting `value` for it when the key is new.
    @inline(__always)
    mutating func findOrInsert(_ key: UInt64, _ value: Int) -> (value: Int, inserted: Bool) {
        let slot = slot(of: key)
        if slots[slot].key == key { return (slots[slot].value, false) }
        precondition(key != Self.empty)
        slots[slot] = Slot(key: key, value: value)
        count += 1
        if count * 2 > slots.count { grow() }
        return (value, true)
    }

    /// Removes `key` if present.
    mutating func remove(_ key: UInt64) {
        let mask = slots.count - 1
        var hole = slot(of: key)
        if slots[hole].key == Self.empty { return }
        count -= 1
        // Backward shift: move up every later key of the run whose home does not lie
        // (cyclically) after the hole, so that no probe sequence is broken.
        var next = (hole + 1) & mask
        while slots[next].key != Self.empty {
            let wanted = Self.home(slots[next].key, mask: mask)
            if (next - wanted) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole].key = Self.empty
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(key: Self.empty, value: 0), count: old.count * 2)
        let mask = slots.count - 1
        for entry in old where entry.key != Self.empty {
            var slot = Self.home(entry.key, mask: mask)
            while slots[slot].key != Self.empty { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}
