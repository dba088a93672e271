#if canImport(Glibc)
import Glibc
#endif
import IO
import MPI

extension Translator {
    /// What a whole input gave: the counts, and the lines whose invalid UTF-8 was replaced.
    public struct Summary: Sendable {
        public var lines: Int
        /// Input lines (1-based) that held invalid UTF-8 (replaced by U+FFFD and translated).
        public var repairedLines: [Int]
    }

    /// Translates a file or standard input (`-`) into an `OutputFile` (a file is replaced only once
    /// all is translated; a FIFO or device is written in place) or standard output (`-`), block by
    /// block, so `nmt translate` works in a pipe. The input is read in blocks of whole lines, so
    /// its size is not limited by memory.
    ///
    /// Under mpirun (`options.communicator`) every rank calls this: rank 0 reads the input (its
    /// path and standard input are rank 0's) and sends each block to the others, every rank
    /// decodes its share of the block's batches, and rank 0 writes the output. A failure on any
    /// rank stops all of them at the same block (`Communicator.agree`).
    /// - Throws: `FileError` for an unreadable input or an unwritable output (opened before any
    ///   work), `BrokenPipe` when the output's reader has gone.
    public func translate(input: String, output: String) throws -> Summary {
        let communicator = options.communicator
        var fd: Int32 = 0
        var file: OutputFile?
        defer { if fd != 0 { close(fd) } }
        try communicator.agree {
            guard communicator.isRoot else { return }
            if input != "-" {
                if FileSystem.isDirectory(input) { throw FileError.isDirectory(path: input) }
                fd = open(input, O_RDONLY)
                if fd < 0 {
                    fd = 0
                    if errno == ENOENT { throw FileError.notFound(path: input) }
                    throw FileError.unreadable(path: input, reason: String(cString: strerror(errno)))
                }
            }
            // After the input: opening a FIFO waits for its reader, which a bad input should not.
            file = output == "-" ? OutputFile.standardOutput : try OutputFile(output)
        }
        var stream = LineStream(fd: fd, path: input == "-" ? "<stdin>" : input)
        var repaired = [Int]()
        while true {
            var lines: LineBuffer? = try communicator.agree {
                guard communicator.isRoot, let block = try stream.next() else { return nil }
                let first = stream.linesRead - block.count
                let (lines, changed) = block.repairingUTF8()
                repaired += changed.map { first + $0 + 1 }
                return lines
            }
            if communicator.isDistributed {
                lines = ShardedBatches.decodeLines(communicator.broadcast(ShardedBatches.encode(lines)))
            }
            guard let lines else { break }
            let translated = try translate(lines)
            try communicator.agree { try file?.write(translated) }
        }
        try communicator.agree { try file?.commit() }
        finish()
        return Summary(lines: stream.linesRead, repairedLines: repaired)
    }
}
