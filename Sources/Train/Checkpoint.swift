#if canImport(Glibc)
import Glibc
#endif
import IO
import Tensor

/// A training checkpoint: everything needed to continue a run exactly where it stopped.
///
/// File format (little-endian): the magic `NMTCKPT\0`, a format version (UInt32), then sections,
/// each `kind` (UInt8: 1 text, 2 integers, 3 floats), a name (UInt32 length + UTF-8), a count
/// (UInt64) and the payload; last, a checksum (UInt64) of every byte before it. The parameters
/// and optimiser moments are written straight from their flat buffers. A file is written to a
/// temporary name, fsynced and renamed, so the previous good checkpoint survives a failed write;
/// reading refuses a truncated, corrupted or foreign file with a one-line error.
public struct Checkpoint {
    public static let magic: [UInt8] = Array("NMTCKPT".utf8) + [0]
    public static let formatVersion: UInt32 = 1

    /// Named texts (the resolved recipe, vocabulary hashes, the tokenizer).
    public var texts: [(name: String, value: String)] = []
    /// Named integer arrays (step, generator states, the data order's position, Adam's step).
    public var integers: [(name: String, values: [UInt64])] = []
    /// Named float tensors (parameters, optimiser moments).
    public var tensors: [(name: String, buffer: FloatBuffer)] = []

    public init() {}

    public func text(_ name: String) -> String? { texts.first { $0.name == name }?.value }
    public func integers(_ name: String) -> [UInt64]? { integers.first { $0.name == name }?.values }
    public func tensor(_ name: String) -> FloatBuffer? { tensors.first { $0.name == name }?.buffer }

    // MARK: - Writing

    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    /// - Throws: `FileError.unwritable` (the previous file at `path` is left as it was).
    public func write(to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        var writer = Writer(fd: fd)
        writer.bytes(Checkpoint.magic)
        writer.uint32(Checkpoint.formatVersion)
        for (name, value) in texts {
            writer.header(kind: 1, name: name, count: value.utf8.count)
            writer.bytes(Array(value.utf8))
        }
        for (name, values) in integers {
            writer.header(kind: 2, name: name, count: values.count)
            values.withUnsafeBytes { writer.raw($0) }
        }
        for (name, buffer) in tensors {
            writer.header(kind: 3, name: name, count: buffer.count)
            writer.raw(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count * 4))
        }
        var checksum = writer.checksum.value
        withUnsafeBytes(of: &checksum) { writer.raw($0, hashed: false) }
        let ok = writer.ok && fsync(fd) == 0
        let reason = ok ? "" : String(cString: strerror(errno))
        close(fd)
        guard ok else {
            unlink(temporary)
            throw FileError.unwritable(path: path, reason: reason.isEmpty ? "write failed" : reason)
        }
        try FileSystem.commit(temporary: temporary, to: path)
    }

    private struct Writer {
        let fd: Int32
        var checksum = Checksum()
        var ok = true
        var pending = [UInt8]()

        mutating func bytes(_ b: [UInt8]) { b.withUnsafeBytes { raw($0) } }
        mutating func uint32(_ v: UInt32) { var v = v.littleEndian; withUnsafeBytes(of: &v) { raw($0) } }
        mutating func uint64(_ v: UInt64) { var v = v.littleEndian; withUnsafeBytes(of: &v) { raw($0) } }
        mutating func header(kind: UInt8, name: String, count: Int) {
            bytes([kind])
            uint32(UInt32(name.utf8.count))
            bytes(Array(name.utf8))
            uint64(UInt64(count))
        }
        mutating func raw(_ buffer: UnsafeRawBufferPointer, hashed: Bool = true) {
            if hashed { checksum.add(buffer) }
            var written = 0
            while ok && written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                written += n
            }
        }
    }

    // MARK: - Reading

    /// Reads and verifies a checkpoint.
    /// - Throws: `FileError` when unreadable, `CheckpointError` when not a checkpoint, truncated,
    ///   corrupted or of a newer format.
    public init(contentsOf path: String) throws {
        let bytes = try FileSystem.readBytes(path)
        guard bytes.count >= 8 + 4 + 8, Array(bytes[0..<8]) == Checkpoint.magic else {
            throw CheckpointError.notACheckpoint(path: path)
        }
        var reader = Reader(bytes: bytes, path: path, end: bytes.count - 8)
        reader.position = 8
        let version = try reader.uint32()
        guard version == Checkpoint.formatVersion else { throw CheckpointError.version(path: path, found: Int(version)) }
        var checksum = Checksum()
        bytes.withUnsafeBytes { checksum.add(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 8)])) }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) }
        guard checksum.value == UInt64(littleEndian: stored) else {
            // A file cut short fails its checksum too; say which it looks like.
            throw reader.looksTruncated() ? CheckpointError.truncated(path: path) : CheckpointError.corrupted(path: path)
        }
        self.init()
        while reader.position < reader.end {
            let kind = try reader.byte()
            let name = String(decoding: try reader.take(Int(try reader.uint32())), as: UTF8.self)
            let count = try reader.count(of: Reader.valueSize(kind))
            switch kind {
            case 1: texts.append((name, String(decoding: try reader.take(count), as: UTF8.self)))
            case 2:
                let raw = try reader.take(count * 8)
                integers.append((name, raw.withUnsafeBytes { p in (0..<count).map { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) } }))
            case 3:
                let buffer = FloatBuffer(count: count)
                let raw = try reader.take(count * 4)
                raw.withUnsafeBytes { UnsafeMutableRawPointer(buffer.pointer).copyMemory(from: $0.baseAddress!, byteCount: count * 4) }
                tensors.append((name, buffer))
            default: throw CheckpointError.corrupted(path: path)
            }
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        let path: String
        let end: Int
        var position = 0

        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, position + n <= end else { throw CheckpointError.truncated(path: path) }
            defer { position += n }
            return bytes[position..<(position + n)]
        }
        mutating func byte() throws -> UInt8 { try take(1).first! }
        mutating func uint32() throws -> UInt32 {
            UInt32(littleEndian: try take(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
        }
        mutating func uint64() throws -> UInt64 {
            UInt64(littleEndian: try take(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        }
        /// A section's count of values of `size` bytes, checked against the bytes left before
        /// anything is allocated or multiplied (a count from a damaged file can be any UInt64).
        mutating func count(of size: Int) throws -> Int {
            let count = try uint64()
            guard count <= UInt64(end - position) / UInt64(size) else { throw CheckpointError.truncated(path: path) }
            return Int(count)
        }
        /// The bytes of one value of a section of `kind` (text 1, integers 2, floats 3).
        static func valueSize(_ kind: UInt8) -> Int { kind == 2 ? 8 : kind == 3 ? 4 : 1 }

        /// Walks the section headers: true when a section claims more bytes than the file holds.
        func looksTruncated() -> Bool {
            var copy = self
            copy.position = 12
            do {
                while copy.position < copy.end {
                    let kind = try copy.byte()
                    _ = try copy.take(Int(try copy.uint32()))
                    let size = Reader.valueSize(kind)
                    _ = try copy.take(try copy.count(of: size) * size)
                }
                return false
            } catch {
                return true
            }
        }
    }
}

/// 64-bit FNV-1a over 8-byte words: fast enough for a 600 MB checkpoint. Streaming: bytes are
/// gathered into whole words across `add` calls, so the value does not depend on how the data
/// was cut into calls (the writer hashes section by section, the reader the whole file at once).
struct Checksum {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    private var partial: UInt64 = 0
    private var partialBytes = 0

    mutating func add(_ buffer: UnsafeRawBufferPointer) {
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

    var value: UInt64 { partialBytes == 0 ? hash : (hash ^ partial ^ UInt64(partialBytes) << 56) &* 0x0000_0100_0000_01B3 }
}

/// A checkpoint file that cannot be used.
public enum CheckpointError: UserError, Equatable {
    case notACheckpoint(path: String)
    case version(path: String, found: Int)
    case truncated(path: String)
    case corrupted(path: String)
    case foreign(path: String, reason: String)

    public var description: String {
        switch self {
        case .notACheckpoint(let path): return "\(path): not an nmt checkpoint"
        case .version(let path, let found):
            return "\(path): checkpoint format version \(found); this nmt reads version \(Checkpoint.formatVersion)"
        case .truncated(let path): return "\(path): checkpoint is truncated (an interrupted copy or write?)"
        case .corrupted(let path): return "\(path): checkpoint is corrupted (checksum mismatch)"
        case .foreign(let path, let reason): return "\(path): checkpoint of another model: \(reason)"
        }
    }
}
