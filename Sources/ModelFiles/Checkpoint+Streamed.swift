#if canImport(Glibc)
import Glibc
#endif
import IO
import Tensor

extension Checkpoint {
    /// The checkpoint at `path` read front to back through one `StreamedFile.chunk`-byte buffer,
    /// hashing as it goes, each kept tensor's floats copied into its own buffer: at most the
    /// tensors and one chunk are in memory, where reading the file whole held its bytes beside
    /// the tensors (2× its size; with the model's store, 3×).
    ///
    /// Nil for anything that is not a whole, valid checkpoint (unopenable, not a regular file,
    /// too large, not a checkpoint, another version, a section that runs past the end, a wrong
    /// checksum, a read error): `init(contentsOf:keeping:)` then reads the file whole, and its
    /// reader names the fault exactly as before. So this accepts what that reader accepts, and
    /// gives the same values.
    /// - Parameter wanted: the tensors kept (nil: all).
    static func streamed(_ path: String, keeping wanted: Set<String>?) -> Checkpoint? {
        guard var file = StreamedFile(path) else { return nil }
        defer { file.close() }
        let end = file.size - 8   // the checksum's offset
        // `FileSystem.readBytes` refuses a file larger than half the machine's memory.
        guard file.size >= 8 + 4 + 8, file.size <= MachineMemory.bytes / 2,
              let magic = file.bytes(8, end: end), magic == Checkpoint.magic,
              let version = file.integer(UInt32.self, end: end), version == Checkpoint.formatVersion else { return nil }
        var checkpoint = Checkpoint()
        while file.position < end {
            guard let kind = file.integer(UInt8.self, end: end), (1...3).contains(kind),
                  let nameLength = file.integer(UInt32.self, end: end),
                  let nameBytes = file.bytes(Int(nameLength), end: end),
                  let count = file.integer(UInt64.self, end: end) else { return nil }
            let size = kind == 2 ? 8 : kind == 3 ? 4 : 1
            // As the whole-file reader: checked against the bytes left before anything is allocated.
            guard count <= UInt64(end - file.position) / UInt64(size) else { return nil }
            let name = String(decoding: nameBytes, as: UTF8.self), n = Int(count)
            switch kind {
            case 1:
                guard let text = file.bytes(n, end: end) else { return nil }
                checkpoint.texts.append((name, String(decoding: text, as: UTF8.self)))
            case 2:
                guard let raw = file.bytes(n * 8, end: end) else { return nil }
                checkpoint.integers.append((name, raw.withUnsafeBytes { p in
                    (0..<n).map { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
                }))
            default:
                guard wanted?.contains(name) ?? true else {
                    guard file.consume(n * 4, end: end, into: nil) else { return nil }
                    continue
                }
                let buffer = FloatBuffer(uninitializedCount: n)
                guard file.consume(n * 4, end: end, into: UnsafeMutableRawPointer(buffer.pointer)) else { return nil }
                checkpoint.tensors.append((name, buffer))
            }
        }
        let computed = file.checksum.value
        guard let stored = file.integer(UInt64.self, end: file.size, hashed: false), stored == computed else { return nil }
        return checkpoint
    }
}

/// A file read forward through one buffer; every byte taken before `end` is added to `checksum`.
private struct StreamedFile {
    static let chunk = 1 << 20

    let descriptor: Int32
    let size: Int
    private let buffer: UnsafeMutableRawBufferPointer
    /// The unread bytes of `buffer`.
    private var start = 0, filled = 0
    /// The file offset of the next byte taken.
    private(set) var position = 0
    private(set) var checksum = Checksum()

    /// Nil when `path` cannot be opened or is not a regular file.
    init?(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        size = Int(info.st_size)
        buffer = .allocate(byteCount: Self.chunk, alignment: 64)
    }

    func close() {
        Glibc.close(descriptor)
        buffer.deallocate()
    }

    /// Takes `n` bytes that must end by `end`, hashed (unless `hashed` is false), copied to
    /// `destination` when there is one. False when they run past `end` or the file ends first.
    mutating func consume(_ n: Int, end: Int, into destination: UnsafeMutableRawPointer?, hashed: Bool = true) -> Bool {
        guard n >= 0, n <= end - position else { return false }
        var left = n, out = destination
        while left > 0 {
            if start == filled {
                guard refill() else { return false }
            }
            let m = min(left, filled - start)
            let piece = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + m)])
            if hashed { checksum.add(piece) }
            if let o = out {
                o.copyMemory(from: piece.baseAddress!, byteCount: m)
                out = o + m
            }
            start += m
            left -= m
            position += m
        }
        return true
    }

    mutating func bytes(_ n: Int, end: Int) -> [UInt8]? {
        guard n >= 0, n <= end - position else { return nil }
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: n) { storage, count in
            ok = consume(n, end: end, into: storage.baseAddress.map { UnsafeMutableRawPointer($0) })
            count = n
        }
        return ok ? bytes : nil
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type, end: Int, hashed: Bool = true) -> T? {
        var value = T.zero
        let ok = withUnsafeMutableBytes(of: &value) { consume(MemoryLayout<T>.size, end: end, into: $0.baseAddress, hashed: hashed) }
        return ok ? T(littleEndian: value) : nil
    }

    /// The next piece of the file into `buffer`; false at its end or on an error.
    private mutating func refill() -> Bool {
        while true {
            let got = read(descriptor, buffer.baseAddress, Self.chunk)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return false }
            start = 0
            filled = got
            return true
        }
    }
}
