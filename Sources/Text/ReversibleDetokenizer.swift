/// The inverse of `ReversibleTokenizer`: reversible tokens → the exact text they came from.
///
/// Tokens are separated by spaces (a run of them counts as one, and those at the ends are dropped).
/// A separator stays a single U+0020 unless a joiner `￭` touches it; joiners are removed wherever
/// they are, and each escape `％XXXX` becomes its scalar (`ReversibleFormat`). Nothing depends on the
/// language, and text without marks comes back with its tokens joined by spaces, so the output of
/// a model that left a joiner out, or wrote a stray one, still reads as text.
public struct ReversibleDetokenizer: Sendable {
    public init() {}

    /// The text of a line of reversible tokens.
    public func detokenize(_ line: String) -> String {
        var output = [UInt8]()
        Array(line.utf8).withUnsafeBufferPointer { detokenize($0, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the text of `utf8` (one line of reversible tokens, well-formed UTF-8, without its
    /// line end) to `output`, without a line end.
    /// - Complexity: O(n) in the line's length; it allocates only to grow `output`.
    public func detokenize(_ utf8: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        guard let input = utf8.baseAddress, !utf8.isEmpty else { return }
        let count = utf8.count
        let start = output.count
        // Nothing gets longer: a mark or an escape is at least as long as what it stands for.
        output.append(contentsOf: repeatElement(0, count: count))
        let written = output.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress! + start
            var written = 0
            var index = 0
            var separator = false    // spaces seen since the last text
            var joined = true        // a joiner (or the line start) since the last text
            while index < count {
                let byte = input[index]
                if byte == 0x20 {
                    separator = true
                    index += 1
                    continue
                }
                if byte == ReversibleFormat.joinerBytes.0 {
                    if ReversibleFormat.isJoiner(input, index, count) {
                        joined = true
                        index += 3
                        continue
                    }
                    if let scalar = ReversibleFormat.escapedScalar(input, index, count) {
                        if separator && !joined { out[written] = 0x20; written += 1 }
                        separator = false
                        joined = false
                        UTF8Scalars.encode(scalar, into: out, at: &written)
                        index += ReversibleFormat.escapeLength
                        continue
                    }
                }
                if separator && !joined { out[written] = 0x20; written += 1 }
                separator = false
                joined = false
                out[written] = byte
                written += 1
                index += 1
            }
            return written
        }
        output.removeLast(count - written)
    }
}
