import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Device nodes, FIFOs and symlinks made inside a test's own directory (never under /dev), and
/// what a path is now.
public enum SpecialFiles {
    public static var isRoot: Bool { getuid() == 0 }

    /// A character device node: a copy of /dev/null is (1, 3), of /dev/full (1, 7). Needs root.
    public static func makeCharacterDevice(_ path: String, major: UInt32, minor: UInt32) throws {
        // Linux's dev_t for small numbers (glibc's makedev is a macro Swift does not see).
        let device = dev_t(major) << 8 | dev_t(minor)
        guard mknod(path, S_IFCHR | 0o666, device) == 0 else { throw SpecialFileError(call: "mknod", path: path) }
    }

    public static func makeFIFO(_ path: String) throws {
        guard mkfifo(path, 0o644) == 0 else { throw SpecialFileError(call: "mkfifo", path: path) }
    }

    public static func makeSymlink(_ path: String, to target: String) throws {
        guard symlink(target, path) == 0 else { throw SpecialFileError(call: "symlink", path: path) }
    }

    /// What `lstat` says `path` is (the link itself for a symlink); nil when there is nothing.
    public static func kind(_ path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFLNK: return .symlink
        case S_IFCHR: return .characterDevice
        case S_IFIFO: return .fifo
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public enum Kind: Equatable { case file, symlink, characterDevice, fifo, directory, other }

    /// What a symlink holds.
    public static func linkText(_ path: String) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: path)
    }

    /// The names in `directory` that look like a writer's temporary (`*.tmp-*`).
    public static func temporaries(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// Opens the read end of a FIFO without waiting for a writer, so that a writer's bytes (up to
    /// the pipe's 64 KB) wait in it and can be read once the writer is done.
    public static func openFIFOForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw SpecialFileError(call: "open", path: path) }
        return fd
    }

    /// Everything waiting in a non-blocking descriptor.
    public static func readAvailable(_ fd: Int32) -> [UInt8] {
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return out }
            out += buffer[0..<n]
        }
    }
}

public struct SpecialFileError: Error, CustomStringConvertible {
    public let call: String
    public let path: String
    public let reason: String

    init(call: String, path: String) {
        self.call = call
        self.path = path
        reason = String(cString: strerror(errno))
    }

    public var description: String { "\(call) \(path): \(reason)" }
}

/// A tmpfs of a few kilobytes mounted on a new directory, to fill a disk; unmounted when
/// released. Needs root: `init` returns nil where the mount is not allowed.
public final class SmallFileSystem {
    public let path: String
    private let scratch: TemporaryDirectory

    public init?(size: String = "64k") throws {
        scratch = try TemporaryDirectory()
        path = scratch.path("disk")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        guard SpecialFiles.isRoot, SmallFileSystem.run(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path]) else {
            return nil
        }
    }

    deinit { _ = SmallFileSystem.run(["umount", path]) }

    public func path(_ name: String) -> String { path + "/" + name }

    private static func run(_ command: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
