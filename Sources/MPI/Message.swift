/// Values as bytes for the collectives (`broadcast`, `gather`): fixed-width little-endian
/// integers and the bit patterns of floating-point numbers, so what one rank computed arrives
/// bit for bit. Reader and writer must agree on the order of the fields.
public struct MessageWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func append(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }
    public mutating func append(_ value: Double) { write(value.bitPattern) }
    public mutating func append(_ values: [Int32]) {
        append(values.count)
        for v in values { write(UInt32(bitPattern: v)) }
    }
    public mutating func append(_ values: [Int]) {
        append(values.count)
        for v in values { append(v) }
    }
    public mutating func append(_ values: [Float]) {
        append(values.count)
        for v in values { write(v.bitPattern) }
    }
    public mutating func append(bytes more: [UInt8]) {
        append(more.count)
        bytes.append(contentsOf: more)
    }

    /// `v` little-endian, in `T`'s width.
    private mutating func write<T: UnsignedInteger & FixedWidthInteger>(_ v: T) {
        for k in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }
}

/// Reads what a `MessageWriter` wrote, field by field in the same order.
public struct MessageReader {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// All bytes read.
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func int() -> Int { Int(Int64(bitPattern: read(UInt64.self))) }
    public mutating func double() -> Double { Double(bitPattern: read(UInt64.self)) }
    public mutating func int32s() -> [Int32] { (0..<count(4)).map { _ in Int32(bitPattern: read(UInt32.self)) } }
    public mutating func ints() -> [Int] { (0..<count(8)).map { _ in int() } }
    public mutating func floats() -> [Float] { (0..<count(4)).map { _ in Float(bitPattern: read(UInt32.self)) } }
    public mutating func byteArray() -> [UInt8] {
        let n = count(1)
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    /// A count of elements of `width` bytes that the rest of the message holds.
    private mutating func count(_ width: Int) -> Int {
        let n = int()
        precondition(n >= 0 && n <= (bytes.count - offset) / width, "a message shorter than its counts (a writer and reader that disagree)")
        return n
    }

    /// A little-endian unsigned integer of `T`'s width.
    private mutating func read<T: UnsignedInteger & FixedWidthInteger>(_: T.Type) -> T {
        let width = T.bitWidth / 8
        precondition(offset + width <= bytes.count, "a message read past its end (a writer and reader that disagree)")
        var v: T = 0
        for k in 0..<width { v |= T(bytes[offset + k]) << (8 * k) }
        offset += width
        return v
    }
}
