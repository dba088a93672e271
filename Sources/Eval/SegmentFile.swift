import Text
import IO

/// Reads hypothesis and reference files the way sacrebleu's command line does, so that scores
/// agree on any file: lines end at `\n` only, each is right-stripped of whitespace (so `\r\n`
/// works), and a UTF-8 byte-order mark stays part of the first line (sacrebleu opens files as
/// `utf-8`, not `utf-8-sig`). Unlike sacrebleu, invalid UTF-8 is an error naming the line.
public enum SegmentFile {
    /// The lines of `path`, or of standard input when `path` is `-`.
    /// - Throws: `FileError` when the file is missing, a directory, unreadable or not UTF-8.
    public static func read(_ path: String) throws -> [String] {
        let bytes = path == "-" ? try FileSystem.readAll(fd: 0, path: "<stdin>") : try FileSystem.readBytes(path)
        return try lines(bytes, path: displayName(path))
    }

    /// The name messages use for `path` (`<stdin>` for `-`).
    public static func displayName(_ path: String) -> String {
        path == "-" ? "<stdin>" : path
    }

    /// Splits file contents into right-stripped lines; a last line without `\n` counts.
    /// - Throws: `FileError.invalidUTF8` naming `path` and the (1-based) line.
    public static func lines(_ bytes: [UInt8], path: String) throws -> [String] {
        var lines = [String]()
        try bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                guard UTF8Repair.isValid(line) else { throw FileError.invalidUTF8(path: path, line: lines.count + 1) }
                var scalars = String(decoding: line, as: UTF8.self).unicodeScalars
                while let last = scalars.last, PythonText.isSpace(last.value) { scalars.removeLast() }
                lines.append(String(scalars))
                start = end + 1
            }
        }
        return lines
    }
}
