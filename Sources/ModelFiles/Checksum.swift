import IO

/// The checkpoint's checksum: FNV-1a (IO's `FNV1a`) over little-endian 8-byte words, a short
/// tail folded in as one word with its length in the top byte. Streaming: bytes are gathered into
/// whole words across `add` calls, so the value does not depend on how the data was cut into
/// calls (the writer hashes section by section, the reader the whole file at once).
/// Public for the checkpoint fuzz target, which fixes up the checksum of the inputs it makes.
public struct Checksum {
    private var hash = FNV1a()
    private var partial: UInt64 = 0
    private var partialBytes = 0

    public init() {}

    /// The checksum of `bytes` alone.
    public static func of(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var checksum = Checksum()
        bytes.withUnsafeBytes { checksum.add($0) }
        return checksum.value
    }

    public mutating func add(_ buffer: UnsafeRawBufferPointer) {
        var i = 0
        while partialBytes > 0 && i < buffer.count { push(buffer[i]); i += 1 }
        var h = hash
        while i + 8 <= buffer.count {
            h.add(unit: buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        hash = h
        while i < buffer.count { push(buffer[i]); i += 1 }
    }

    private mutating func push(_ byte: UInt8) {
        partial |= UInt64(byte) << (8 * UInt64(partialBytes))
        partialBytes += 1
        if partialBytes == 8 {
            hash.add(unit: partial)
            partial = 0
            partialBytes = 0
        }
    }

    public var value: UInt64 {
        if partialBytes == 0 { return hash.value }
        var tail = hash
        tail.add(unit: partial ^ UInt64(partialBytes) << 56)
        return tail.value
    }
}
