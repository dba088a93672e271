#if canImport(Glibc)
import Glibc
#endif
import IO

/// What every fuzz target shares: the input as lines, property checks that crash with a message,
/// scratch files for readers that take a path, and the rule that a `UserError` is an answer.
public enum Fuzz {
    /// The input's bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as `nmt` reads text: lines as `LineBuffer(contents:)` splits them (`\n` or `\r\n`,
    /// a leading BOM dropped), invalid UTF-8 replaced by U+FFFD as the commands do.
    public static func lines(_ bytes: [UInt8]) -> LineBuffer {
        LineBuffer(contents: bytes).repairingUTF8().lines
    }

    /// A property that must hold; when it does not, the target crashes with `message` (libFuzzer
    /// then saves the input). `precondition` would lose the message in a release build.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #fileID, line: UInt = #line) {
        if !condition { fatalError("fuzz property violated: \(message())", file: file, line: line) }
    }

    /// Runs `body`; a `UserError` (bad input, told to the user in one line) is a fine answer and
    /// gives nil, any other error is a bug.
    public static func answer<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as any UserError {
            require(!"\(error)".contains("\n"), "a user error of more than one line: \(error)")
            return nil
        } catch {
            fatalError("fuzz property violated: an error that is not a UserError: \(error)")
        }
    }

    /// A scratch directory of this process in memory (`/dev/shm`, else `/tmp`), made once.
    public static let scratch: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(base)/nmt-fuzz-\(getpid())"
        mkdir(path, 0o700)
        atexit { _ = Fuzz.removeTree(Fuzz.scratch) }
        return path
    }()

    /// Writes `bytes` to `name` in the scratch directory (plainly, without fsync) and returns its path.
    public static func scratchFile(_ name: String, _ bytes: [UInt8]) -> String {
        let path = "\(scratch)/\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        require(fd >= 0, "cannot create \(path)")
        var written = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                require(n > 0, "cannot write \(path)")
                written += n
            }
        }
        close(fd)
        return path
    }

    /// Splits `bytes` at NUL bytes into at most `parts` pieces (the last keeps any further NULs).
    public static func split(_ bytes: [UInt8], parts: Int) -> [[UInt8]] {
        bytes.split(separator: 0, maxSplits: parts - 1, omittingEmptySubsequences: false).map(Array.init)
    }

    /// Whether `bytes` is well-formed UTF-8.
    public static func isUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    @discardableResult
    static func removeTree(_ path: String) -> Int32 {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name == "." || name == ".." { continue }
                let child = "\(path)/\(name)"
                if unlink(child) != 0 { removeTree(child) }
            }
            closedir(directory)
        }
        return rmdir(path)
    }
}
