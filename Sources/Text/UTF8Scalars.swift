/// Decoding of well-formed UTF-8 into Unicode scalars and encoding back, over raw pointers.
///
/// The Moses tokenizer and detokenizer work on arrays of scalars (`UInt32`), one per code point,
/// so that their rules can look one scalar left and right; these two functions are their only
/// contact with bytes. Neither validates: the caller passes well-formed UTF-8 (see `UTF8Repair`).
enum UTF8Scalars {
    /// The scalar starting at `bytes[index]`; advances `index` past it.
    @inline(__always)
    static func decode(_ bytes: UnsafePointer<UInt8>, at index: inout Int) -> UInt32 {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { index += 1; return lead }
        if lead < 0xE0 {
            let scalar = (lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
            index += 2
            return scalar
        }
        if lead < 0xF0 {
            let scalar = (lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
            index += 3
            return scalar
        }
        let scalar = (lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
            | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
        index += 4
        return scalar
    }

    /// Writes `scalar` as UTF-8 at `bytes[index]` (room for 4 bytes needed); advances `index`.
    @inline(__always)
    static func encode(_ scalar: UInt32, into bytes: UnsafeMutablePointer<UInt8>, at index: inout Int) {
        if scalar < 0x80 {
            bytes[index] = UInt8(truncatingIfNeeded: scalar)
            index += 1
        } else if scalar < 0x800 {
            bytes[index] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
            bytes[index + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            index += 2
        } else if scalar < 0x10000 {
            bytes[index] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
            bytes[index + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            bytes[index + 2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            index += 3
        } else {
            bytes[index] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
            bytes[index + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F)
            bytes[index + 2] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            bytes[index + 3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            index += 4
        }
    }
}
