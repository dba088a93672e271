#if canImport(Glibc)
import Glibc
#endif
import IO

/// A parallel corpus as one TSV file, a pair a line: the source (the `--src-lang` side), a tab,
/// the target, as Tatoeba's pair exports and Marian's `--tsv` have them. Read in blocks
/// (`LineStream`), so only the pairs are held, not the file twice.
///
/// A line that gives no pair is counted under the first reason that applies, in this order:
/// `invalid_utf8`, `blank_line`, `missing_tab` (one column), `extra_columns` (more than two),
/// `empty_side` (a side empty or only spaces). A `\r` before the line end and a leading BOM are
/// dropped, as in the plain files.
public enum TSVCorpus {
    public static let reasons = ["invalid_utf8", "blank_line", "missing_tab", "extra_columns", "empty_side"]

    /// - Throws: `FileError` when the file cannot be read.
    public static func read(_ path: String) throws -> PairFile {
        if FileSystem.isDirectory(path) { throw FileError.isDirectory(path: path) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw FileError.notFound(path: path) }
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var stream = LineStream(fd: fd, path: path)
        var pairs = PairFile(format: "tsv", malformed: MalformedPairs(reasons: reasons))
        while let block = try stream.next() {
            for i in 0..<block.count {
                block.withLine(i) { line in
                    if let reason = add(line, to: &pairs) { pairs.malformed.count(reason) }
                }
            }
        }
        return pairs
    }

    /// Appends the pair of one line, or returns why it gives none.
    static func add(_ line: UnsafeBufferPointer<UInt8>, to pairs: inout PairFile) -> String? {
        guard UTF8Repair.isValid(line) else { return "invalid_utf8" }
        if line.isEmpty { return "blank_line" }
        guard let tab = line.firstIndex(of: 0x09) else { return "missing_tab" }
        let source = UnsafeBufferPointer(rebasing: line[..<tab]), target = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
        if target.contains(0x09) { return "extra_columns" }
        if isBlank(source) || isBlank(target) { return "empty_side" }
        pairs.source.append(source)
        pairs.target.append(target)
        return nil
    }

    static func isBlank(_ side: UnsafeBufferPointer<UInt8>) -> Bool {
        side.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
    }
}
