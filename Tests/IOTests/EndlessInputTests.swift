#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IO
import Testing

/// Inputs without end or without line ends (`/dev/zero`, a binary file, an endless pipe) are
/// refused with one line once they pass a bound, instead of being gathered until memory runs out.
@Suite struct EndlessInputTests {
    /// A pipe that never sends a line end: the stream stops at its longest line, naming the line.
    @Test func lineWithoutEndIsRefusedAtTheBound() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let writeEnd = ends[1]
        let writer = Thread {
            var chunk = [UInt8](repeating: 0x61, count: 1 << 16)
            chunk[0] = 0x0A     // one short line first, so the long one is line 2
            var sent = 0
            while sent < 4 << 20 {
                let n = chunk.withUnsafeBytes { write(writeEnd, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                sent += n
                chunk[0] = 0x61
            }
            close(writeEnd)
        }
        writer.start()
        // Drained to the writer's end before closing: a write into a closed pipe would raise
        // SIGPIPE in the test process.
        defer {
            var sink = [UInt8](repeating: 0, count: 1 << 16)
            while sink.withUnsafeMutableBytes({ read(ends[0], $0.baseAddress!, $0.count) }) > 0 {}
            close(ends[0])
        }
        var stream = LineStream(fd: ends[0], path: "endless", blockSize: 1 << 16, maximumLineBytes: 1 << 20)
        var lines = 0
        do {
            while let block = try stream.next() { lines += block.count }
            Issue.record("an endless line was read whole")
        } catch let error as FileError {
            #expect("\(error)".hasPrefix("endless:2: "), "\(error)")
            #expect("\(error)".contains("a line longer than 1 MB"), "\(error)")
        }
        #expect(lines == 1)
    }
}
