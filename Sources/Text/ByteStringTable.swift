#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns byte strings: each distinct string gets the next dense id (0, 1, 2, … in first-seen
/// order), and the strings live back to back in one buffer.
///
/// BPE names every word and every symbol by such an id, so that the hot loops compare and hash
/// integers; the open-addressing table (linear probing, at most half full) keeps 32 bits of each
/// string's hash beside its id, so a probe rarely touches the strings themselves.
///
/// A string can carry a payload (BPE's cache keeps a word's segmentation there): bytes appended
/// right after it, before the next string, so a cache hit reads one place in memory.
struct ByteStringTable {
    /// All strings and payloads back to back: string `id`, then its payload.
    private(set) var bytes: [UInt8] = []
    private struct Entry {
        var start: Int
        var length: Int
        /// The full hash, so that growing the table never rehashes the bytes.
        var hash: UInt64
    }
    private var entries: [Entry] = []
    /// Per slot (the low bits of the hash pick the first one): 0 when empty, else the top 32 bits
    /// of the hash above `id + 1`.
    private var slots: [UInt64]

    /// - Parameter capacity: how many strings fit before the table first grows.
    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    var count: Int { entries.count }

    /// The length in bytes of string `id`.
    @inline(__always) func length(_ id: Int) -> Int { entries[id].length }

    /// Calls `body` with the bytes of string `id`; the pointer must not escape.
    @inline(__always)
    func withString<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let entry = entries[id]
        return try bytes.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[entry.start..<(entry.start + entry.length)]))
        }
    }

    /// String `id` as an array.
    func array(_ id: Int) -> [UInt8] {
        let entry = entries[id]
        return Array(bytes[entry.start..<(entry.start + entry.length)])
    }

    /// Calls `body` with the payload of string `id`; the pointer must not escape.
    @inline(__always)
    func withPayload<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = entries[id].start + entries[id].length
        let end = id + 1 < entries.count ? entries[id + 1].start : bytes.count
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Lets `body` append the payload of the string interned last.
    @inline(__always)
    mutating func appendPayload(_ body: (inout [UInt8]) throws -> Void) rethrows {
        precondition(!entries.isEmpty)
        try body(&bytes)
    }

    /// The id of `string`, or -1 when it was never interned.
    /// - Complexity: O(`string.count`) expected.
    @inline(__always)
    func find(_ string: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(string)
        return find(string, hash: hash).id
    }

    /// The id of `string`, interning it first when it is new.
    /// - Complexity: O(`string.count`) expected, amortized.
    @discardableResult
    mutating func intern(_ string: UnsafeBufferPointer<UInt8>) -> (id: Int, inserted: Bool) {
        let hash = Self.hash(string)
        let (id, slot) = find(string, hash: hash)
        if id >= 0 { return (id, false) }
        let newId = entries.count
        entries.append(Entry(start: bytes.count, length: string.count, hash: hash))
        bytes.append(contentsOf: string)
        slots[slot] = (hash >> 32) << 32 | UInt64(newId + 1)
        if entries.count * 2 > slots.count { grow() }
        return (newId, true)
    }

    mutating func intern(_ string: [UInt8]) -> (id: Int, inserted: Bool) {
        string.withUnsafeBufferPointer { intern($0) }
    }

    /// Forgets every string but keeps the memory.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }

    /// The id of `string` (or -1) and the slot where it is or would go.
    @inline(__always)
    private func find(_ string: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (id: Int, slot: Int) {
        let mask = slots.count - 1
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBufferPointer { all in
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return (-1, slot) }
                    if entry >> 32 == tag {
                        let id = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                        let found = entries[id]
                        if found.length == string.count
                            && Self.equal(all.baseAddress! + found.start, string.baseAddress, found.length) {
                            return (id, slot)
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        let mask = size - 1
        for id in 0..<entries.count {
            let hash = entries[id].hash
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (hash >> 32) << 32 | UInt64(id + 1)
        }
    }

    /// `memcmp(a, b, length) == 0`, inline: most strings here are a few bytes long, where the call
    /// into libc costs more than the comparison.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ length: Int) -> Bool {
        guard let b else { return length == 0 }
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        var i = 0
        while i + 8 <= length {
            if rawA.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rawB.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < length {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// A fast non-cryptographic hash of short strings (8 bytes per multiply, then a final mix).
    @inline(__always)
    static func hash(_ string: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(string.count)
        guard let base = string.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= string.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        if i < string.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            if i + 4 <= string.count {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                i += 4
                shift = 32
            }
            while i < string.count {
                tail |= UInt64(base[i]) << shift
                i += 1
                shift += 8
            }
            h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        }
        // MurmurHash3's fmix64: every input bit reaches the top bits used for the slot and tag.
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
