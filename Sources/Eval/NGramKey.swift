/// An n-gram packed into 128 bits, so that counting one allocates nothing per n-gram.
///
/// Word n-grams (BLEU, up to 4 words) hold 32-bit word ids, 2 a word; character n-grams (chrF, up
/// to 6 characters) hold scalar value + 1 in 21-bit slots, 3 a word. Unused slots are 0, so
/// n-grams of different orders never share a key.
struct NGramKey: Hashable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    /// Word ids `ids[start..<start + order]` (each ≥ 1), `order` ≤ 4.
    @inline(__always)
    init(words ids: UnsafeBufferPointer<UInt32>, start: Int, order: Int) {
        for k in 0..<order {
            let id = UInt64(ids[start + k])
            if k < 2 { low |= id << (32 * UInt64(k)) } else { high |= id << (32 * UInt64(k - 2)) }
        }
    }

    /// Characters `text[start..<start + order]`, `order` ≤ 6.
    @inline(__always)
    init(characters text: UnsafeBufferPointer<UInt32>, start: Int, order: Int) {
        for k in 0..<order {
            let slot = UInt64(text[start + k] + 1)
            if k < 3 { low |= slot << (21 * UInt64(k)) } else { high |= slot << (21 * UInt64(k - 3)) }
        }
    }
}
