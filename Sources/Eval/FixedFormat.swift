#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `f"{x:.{digits}f}"`: the decimal closest to the binary value, ties to even.
///
/// C's `%.*f` rounds the exact binary value the same way (both are correctly rounded), so the
/// printed digits agree with sacrebleu's to the last place, which `String(x)` alone would not give.
func fixed(_ value: Double, digits: Int) -> String {
    precondition(digits >= 0, "a negative number of digits")
    if !value.isFinite { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    let format = "%.\(digits)f"
    var buffer = [CChar](repeating: 0, count: 64 + digits)
    let needed = withVaList([value]) { arguments in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
    }
    if Int(needed) >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(needed) + 1)
        _ = withVaList([value]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
        }
    }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
