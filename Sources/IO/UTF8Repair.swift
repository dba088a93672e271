/// Validation and repair of UTF-8 bytes.
///
/// Invalid sequences are replaced by U+FFFD one "maximal subpart" at a time, the practice of
/// the Unicode standard (§3.9) that Python's `errors="replace"` and Swift's `String(decoding:)`
/// follow, so a repaired line decodes the same everywhere.
public enum UTF8Repair {
    /// True when `bytes` is well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            if bytes[i] < 0x80 { i += 1; continue }
            let length = sequenceLength(bytes, at: i)
            if length <= 0 { return false }
            i += length
        }
        return true
    }

    /// Appends `bytes` to `output` with every invalid sequence replaced by U+FFFD.
    /// - Returns: whether anything was replaced.
    @discardableResult
    public static func repair(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        var i = 0
        let n = bytes.count
        var replaced = false
        while i < n {
            if bytes[i] < 0x80 { output.append(bytes[i]); i += 1; continue }
            let length = sequenceLength(bytes, at: i)
            if length > 0 {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
                i += length
            } else {
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                i += -length
                replaced = true
            }
        }
        return replaced
    }

    /// Length of the valid sequence at `i`, or minus the length of the maximal invalid subpart.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = b[i]
        let n = b.count
        @inline(__always) func continuation(_ j: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            j < n && b[j] >= low && b[j] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(i + 1) ? 2 : -1
        case 0xE0...0xEF:
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard continuation(i + 1, low, high) else { return -1 }
            return continuation(i + 2) ? 3 : -2
        case 0xF0...0xF4:
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard continuation(i + 1, low, high) else { return -1 }
            guard continuation(i + 2) else { return -2 }
            return continuation(i + 3) ? 4 : -3
        default:
            return -1
        }
    }
}
