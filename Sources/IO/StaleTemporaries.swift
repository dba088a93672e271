#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSystem {
    /// Removes the temporaries that an atomic write killed before its rename left in `directory`:
    /// regular files named `NAME.tmp-PID…` for a `NAME` in `names` whose process `PID` is gone
    /// (or is this process, which has none at work yet). Nothing else is touched: not other
    /// names, not a live writer's file, not a directory or a link.
    /// - Returns: the paths removed.
    @discardableResult
    public static func removeStaleTemporaries(in directory: String, of names: [String]) -> [String] {
        var removed: [String] = []
        for entry in entries(in: directory) {
            guard let name = names.first(where: { entry.hasPrefix($0 + ".tmp-") }) else { continue }
            let digits = entry.dropFirst(name.count + 5).prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits), pid > 0, pid == getpid() || !isRunning(pid) else { continue }
            let path = directory + "/" + entry
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, unlink(path) == 0 else { continue }
            removed.append(path)
        }
        return removed
    }

    /// Whether a process with this id exists (EPERM: it does, under another user).
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
