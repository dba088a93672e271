#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of Python 3's `str` semantics that subword-nmt's output depends on, over UTF-8 bytes.
///
/// subword-nmt works on code points: a "character" is one Unicode scalar, strings compare by code
/// point (the same order as comparing their UTF-8 bytes), its regular expressions treat
/// `str.isspace()` characters as `\s`, and its command-line tools read files through `codecs`,
/// whose `readline` ends a line at every `str.splitlines()` boundary, not only at `\n`.
package enum PythonText {
    /// Length in bytes of the character starting at `i` (1 for a byte that starts no valid sequence,
    /// so that malformed input is still cut into characters and never read past its end).
    @inline(__always)
    package static func characterLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 1
        }
        if i + length > bytes.count { return 1 }
        for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return 1 }
        return length
    }

    /// The scalar value of the character at `i` of length `length` (as given by `characterLength`).
    @inline(__always)
    package static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, length: Int) -> UInt32 {
        switch length {
        case 2: return UInt32(bytes[i] & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
        case 3: return UInt32(bytes[i] & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        case 4:
            return UInt32(bytes[i] & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
        default: return UInt32(bytes[i])
        }
    }

    /// `chr(scalar).isspace()`, which is also what `\s` matches in a `str` regular expression.
    package static func isSpace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// True when any character of `bytes` is `isspace()` (a space, a tab, a no-break space…).
    package static func containsSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            let length = characterLength(bytes, at: i)
            if isSpace(scalar(bytes, at: i, length: length)) { return true }
            i += length
        }
        return false
    }

    /// The length of the `str.splitlines()` boundary character at `i` other than `\n` (`\r`, `\v`,
    /// `\f`, U+001C–U+001E, U+0085, U+2028, U+2029), or 0 when there is none. `codecs.readline`
    /// ends a line after such a character and keeps it in the line.
    @inline(__always)
    package static func lineBoundaryLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        switch bytes[i] {
        case 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E:
            return 1
        case 0xC2:
            return i + 1 < bytes.count && bytes[i + 1] == 0x85 ? 2 : 0
        case 0xE2:
            return i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) ? 3 : 0
        default:
            return 0
        }
    }

    /// Python's `<` on strings: code point order, which for UTF-8 is byte order.
    @inline(__always)
    package static func isLess(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}
