import CICU

/// Unicode normalization (NFC) and lowercasing through ICU.
///
/// Text is kept as UTF-8 bytes; only lines with non-ASCII bytes go through ICU (which works in
/// UTF-16), since ASCII is already NFC and lowercases with a table.
public enum Normalizer {
    nonisolated(unsafe) private static let nfcInstance = nmt_icu_nfc()

    /// NFC of a string.
    public static func nfc(_ text: String) -> String {
        var out = [UInt8]()
        var bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { nfc($0, into: &out) }
        bytes = out
        return String(decoding: bytes, as: UTF8.self)
    }

    /// For each BMP scalar, whether NFC_Quick_Check is Yes: a text made only of such scalars is
    /// NFC already, which is what almost every line is. (64 KB, built once from ICU.)
    private static let quickYes: [Bool] = (0..<0x10000).map { nmt_icu_nfc_quick_check(UInt32($0)) == 1 }

    /// True when every scalar of `utf8` (well-formed) is in the BMP with NFC_Quick_Check Yes.
    static func isCertainlyNFC(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        quickYes.withUnsafeBufferPointer { yes in
            var i = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                if b < 0x80 { i += 1; continue }
                if b < 0xE0 {
                    guard i + 1 < n else { return false }
                    if !yes[Int(b & 0x1F) << 6 | Int(utf8[i + 1] & 0x3F)] { return false }
                    i += 2
                } else if b < 0xF0 {
                    guard i + 2 < n else { return false }
                    if !yes[Int(b & 0x0F) << 12 | Int(utf8[i + 1] & 0x3F) << 6 | Int(utf8[i + 2] & 0x3F)] { return false }
                    i += 3
                } else {
                    return false        // beyond the BMP: let ICU decide
                }
            }
            return true
        }
    }

    /// Appends the NFC form of `utf8` (well-formed UTF-8) to `output`.
    public static func nfc(_ utf8: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        if isASCII(utf8) || isCertainlyNFC(utf8) { output.append(contentsOf: utf8); return }
        var utf16 = Array(String(decoding: utf8, as: UTF8.self).utf16)
        let span = utf16.withUnsafeBufferPointer { nmt_icu_nfc_span(nfcInstance, $0.baseAddress, Int32($0.count)) }
        if Int(span) == utf16.count { output.append(contentsOf: utf8); return }
        utf16 = transform(utf16) { source, count, destination, capacity in
            nmt_icu_nfc_normalize(nfcInstance, source, count, destination, capacity)
        }
        output.append(contentsOf: String(decoding: utf16, as: UTF16.self).utf8)
    }

    /// Lowercase of a string (Unicode full case mapping, root locale).
    public static func lowercase(_ text: String) -> String {
        var out = [UInt8]()
        Array(text.utf8).withUnsafeBufferPointer { lowercase($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the lowercase of `utf8` to `output`.
    public static func lowercase(_ utf8: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        if isASCII(utf8) {
            for byte in utf8 { output.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
            return
        }
        let utf16 = transform(Array(String(decoding: utf8, as: UTF8.self).utf16)) { source, count, destination, capacity in
            nmt_icu_str_to_lower(source, count, destination, capacity)
        }
        output.append(contentsOf: String(decoding: utf16, as: UTF16.self).utf8)
    }

    @inline(__always)
    static func isASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for byte in utf8 { any |= byte }
        return any < 0x80
    }

    /// Runs an ICU UTF-16 → UTF-16 function, growing the destination once if it is too small.
    private static func transform(
        _ source: [UInt16],
        _ call: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32) -> Int32
    ) -> [UInt16] {
        var capacity = source.count * 2 + 16
        while true {
            var destination = [UInt16](repeating: 0, count: capacity)
            let needed = source.withUnsafeBufferPointer { src in
                destination.withUnsafeMutableBufferPointer { dst in
                    call(src.baseAddress, Int32(src.count), dst.baseAddress, Int32(capacity))
                }
            }
            if needed < 0 { return source }
            if Int(needed) <= capacity { return Array(destination[0..<Int(needed)]) }
            capacity = Int(needed)
        }
    }
}
