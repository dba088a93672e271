import IO

/// `log.jsonl` kept in step with the checkpoint a run starts from.
enum TrainingLog {
    /// Drops the lines of steps after `step`, and a last line cut short, from the log at `path`:
    /// a run killed after its last checkpoint logged steps that the resumed run does again, and
    /// a run started afresh in a directory that a killed run left has nothing to continue.
    /// Rewrites the file (atomically) only when something is dropped. A log that is not a
    /// regular file (a FIFO, a device the user pointed it at) is a stream: nothing to trim.
    static func keep(upTo step: Int, at path: String) throws {
        guard FileSystem.isRegularFile(path) else { return }
        let bytes = try FileSystem.readBytes(path)
        var kept: [UInt8] = []
        var start = 0
        var dropped = false
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else { dropped = true; break }   // cut short
            let line = bytes[start...end]
            if let lineStep = Self.step(of: line), lineStep > step { dropped = true } else { kept += line }
            start = end + 1
        }
        if dropped { try FileSystem.writeAtomically(path, kept) }
    }

    /// The step of a line that starts `{"step":N`, as every line `Trainer` writes does.
    static func step(of line: ArraySlice<UInt8>) -> Int? {
        let prefix = Array(#"{"step":"#.utf8)
        guard line.starts(with: prefix) else { return nil }
        let digits = line.dropFirst(prefix.count).prefix { $0 >= 0x30 && $0 <= 0x39 }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
