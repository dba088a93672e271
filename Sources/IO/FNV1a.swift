/// 64-bit FNV-1a (Fowler, Noll and Vo): a fast, stable hash for checksums and fingerprints, not
/// for security. Its values are stored on disk (checkpoint checksums and layout fingerprints,
/// prepared-data stamps), so the constants and the order of `add`s must never change.
///
/// Each `add` folds in one unit, whatever its width: a byte for byte strings, a scalar, or a
/// whole 8-byte word for the checkpoint checksum (a word at a time is what makes a 600 MB
/// checkpoint quick to hash).
public struct FNV1a: Sendable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    @usableFromInline var state: UInt64

    /// The hash of everything added so far.
    @inlinable public var value: UInt64 { state }

    @inlinable public init() { state = Self.offsetBasis }

    /// Folds in one unit: value = (value ⊕ unit) · prime.
    @inlinable @inline(__always)
    public mutating func add(unit: UInt64) { state = (state ^ unit) &* Self.prime }

    /// Folds in each byte, in order.
    @inlinable
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = state
        for byte in bytes { h = (h ^ UInt64(byte)) &* Self.prime }
        state = h
    }

    /// Folds in each byte, in order.
    @inlinable
    public mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBytes { add($0) } }

    /// The hash of `bytes`, one byte a unit.
    @inlinable
    public static func of<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = FNV1a()
        for byte in bytes { hash.add(unit: UInt64(byte)) }
        return hash.value
    }

    /// The value as 16 lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
