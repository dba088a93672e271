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

    /// Writes the checkpoint through `OutputFile` (atomically: temporary file, fsync, rename).
    /// - Throws: `FileError.unwritable` (the previous file at `path` is left as it was).
    public func write(to path: String) throws {
        var writer = Writer(file: try OutputFile(path))
        try writer.bytes(Checkpoint.magic)
        try writer.uint32(Checkpoint.formatVersion)
        for (name, value) in texts {
            try writer.header(kind: 1, name: name, count: value.utf8.count)
            try writer.bytes(Array(value.utf8))
        }
        for (name, values) in integers {
            try writer.header(kind: 2, name: name, count: values.count)
            try values.withUnsafeBytes { try writer.raw($0) }
        }
        for (name, buffer) in tensors {
            try writer.header(kind: 3, name: name, count: buffer.count)
            try writer.raw(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count * 4))
        }
        var checksum = writer.checksum.value
        try withUnsafeBytes(of: &checksum) { try writer.raw($0, hashed: false) }
        try writer.file.commit()
    }

    private struct Writer {
        let file: OutputFile
        var checksum = Checksum()

        mutating func bytes(_ b: [UInt8]) throws { try b.withUnsafeBytes { try raw($0) } }
        mutating func uint32(_ v: UInt32) throws { var v = v.littleEndian; try withUnsafeBytes(of: &v) { try raw($0) } }
        mutating func uint64(_ v: UInt64) throws { var v = v.littleEndian; try withUnsafeBytes(of: &v) { try raw($0) } }
        mutating func header(kind: UInt8, name: String, count: Int) throws {
            try bytes([kind])
            try uint32(UInt32(name.utf8.count))
            try bytes(Array(name.utf8))
            try uint64(UInt64(count))
        }
        mutating func raw(_ buffer: UnsafeRawBufferPointer, hashed: Bool = true) throws {
            if hashed { checksum.add(buffer) }
            try file.write(buffer)
        }
    }

    // MARK: - Reading

    /// Reads and verifies a checkpoint: in pieces (`streamed(_:keeping:)`), each tensor's floats
    /// straight into its buffer, so that the file's bytes and the tensors made of them are never
    /// in memory together; a file that is not a whole, valid checkpoint is then read whole to say
    /// what is wrong with it.
    /// - Parameter wanted: the tensors to keep (nil: all); the others are read, hashed and dropped.
    /// - Throws: `FileError` when unreadable, `CheckpointError` when not a checkpoint, truncated,
    ///   corrupted, followed by extra bytes or of a newer format.
    public init(contentsOf path: String, keeping wanted: Set<String>? = nil) throws {
        self = try Checkpoint.streamed(path, keeping: wanted) ?? Checkpoint(wholeFile: path, keeping: wanted)
    }

    /// `init(contentsOf:keeping:)` from the file's bytes read whole: the errors' reader.
    private init(wholeFile path: String, keeping wanted: Set<String>?) throws {
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
            // A file cut short or with bytes appended fails its checksum too; say which it looks like.
            throw reader.diagnose()
        }
        self.init()
        do { try readSections(&reader, keeping: wanted) } catch {
            // FNV-1a has a zero state: a whole file followed by zeros (its checksum, then zero words)
            // hashes to zero, and the zeros pass as the stored checksum; the sections tell.
            throw reader.diagnose()
        }
    }

    private mutating func readSections(_ reader: inout Reader, keeping wanted: Set<String>?) throws {
        let path = reader.path
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
                let raw = try reader.take(count * 4)
                guard wanted?.contains(name) ?? true else { continue }
                let buffer = FloatBuffer(count: count)
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
            guard n >= 0, n <= end - position else { throw CheckpointError.truncated(path: path) }
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

        /// Why a file failed its checksum. Walks the section headers over the whole file, hashing
        /// as it goes: a valid checksum right after a section with bytes beyond it means bytes were
        /// appended; a section or checksum that runs past the file's end means it was cut short;
        /// anything else is corruption.
        func diagnose() -> CheckpointError {
            var position = 12
            var checksum = Checksum()
            bytes.withUnsafeBytes { checksum.add(UnsafeRawBufferPointer(rebasing: $0[0..<position])) }
            func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
                guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else { return nil }
                return T(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) })
            }
            while true {
                if let stored = load(UInt64.self, at: position), stored == checksum.value {
                    let extra = bytes.count - position - 8
                    return extra > 0 ? .trailingBytes(path: path, count: extra) : .corrupted(path: path)
                }
                if bytes.count - position <= 8 {
                    return bytes.count - position < 8 ? .truncated(path: path) : .corrupted(path: path)
                }
                // The next section: kind, name length, name, count, payload.
                guard let kind = load(UInt8.self, at: position), (1...3).contains(kind),
                      let nameLength = load(UInt32.self, at: position + 1) else { return .corrupted(path: path) }
                let countAt = position + 5 + Int(nameLength)
                guard let count = load(UInt64.self, at: countAt) else { return .truncated(path: path) }
                let width = UInt64(Reader.valueSize(kind))
                let (payload, overflow) = count.multipliedReportingOverflow(by: width)
                guard !overflow, payload <= UInt64(bytes.count - countAt - 8) else { return .truncated(path: path) }
                let next = countAt + 8 + Int(payload)
                bytes.withUnsafeBytes { checksum.add(UnsafeRawBufferPointer(rebasing: $0[position..<next])) }
                position = next
            }
        }
    }
}
