extension LineBuffer {
    /// The lines with every invalid UTF-8 sequence replaced by U+FFFD (`UTF8Repair`), and the
    /// (0-based) indices of the lines that changed; the buffer itself when none did.
    /// - Complexity: O(bytes).
    public func repairingUTF8() -> (lines: LineBuffer, repaired: [Int]) {
        var repaired = [Int]()
        for i in 0..<count where !withLine(i, { UTF8Repair.isValid($0) }) { repaired.append(i) }
        if repaired.isEmpty { return (self, []) }
        var out = LineBuffer()
        out.reserveCapacity(bytes: bytes.count + 16, lines: count)
        var scratch = [UInt8]()
        for i in 0..<count {
            scratch.removeAll(keepingCapacity: true)
            _ = withLine(i) { UTF8Repair.repair($0, into: &scratch) }
            out.append(scratch)
        }
        return (out, repaired)
    }
}
