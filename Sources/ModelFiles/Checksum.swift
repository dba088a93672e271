/// 64-bit FNV-1a over 8-byte words: fast enough for a 600 MB checkpoint. Streaming: bytes are
/// gathered into whole words across `add` calls, so the value does not depend on how the data
/// was cut into calls (the writer hashes section by section, the reader the whole file at once).
/// Public for the checkpoint fuzz target, which fixes up the checksum of the inputs it makes.
public struct Checksum {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
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
            h = (h ^ buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            i += 8
        }
        hash = h
        while i < buffer.count { push(buffer[i]); i += 1 }
    }

    private mutating func push(_ byte: UInt8) {
        partial |= UInt64(byte) << (8 * UInt64(partialBytes))
        partialBytes += 1
        if partialBytes == 8 {
            hash = (hash ^ partial) &* 0x0000_0100_0000_01B3
            partial = 0
            partialBytes = 0
        }
    }

    public var value: UInt64 { partialBytes == 0 ? hash : (hash ^ partial ^ UInt64(partialBytes) << 56) &* 0x0000_0100_0000_01B3 }
}
