#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Testing
@testable import IO

/// What a reader thread saw, shared with the test (guarded by the semaphore's ordering).
private final class Seen: @unchecked Sendable {
    var blocks: [[String]] = []
    var error: (any Error)?
}

@Suite struct LineStreamTests {
    /// Writes `bytes` into a new pipe from another thread, `chunk` bytes per write, and returns the
    /// read end.
    private func pipe(writing bytes: [UInt8], chunk: Int) -> Int32 {
        var ends: [Int32] = [0, 0]
        precondition(Glibc.pipe(&ends) == 0)
        let writeEnd = ends[1]
        let thread = DispatchQueue(label: "writer")
        thread.async {
            var offset = 0
            while offset < bytes.count {
                let n = min(chunk, bytes.count - offset)
                let wrote = bytes[offset..<(offset + n)].withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress!, n) }
                if wrote <= 0 { break }
                offset += wrote
            }
            close(writeEnd)
        }
        return ends[0]
    }

    private func readAll(_ fd: Int32, blockSize: Int) throws -> [String] {
        var stream = LineStream(fd: fd, path: "test", blockSize: blockSize)
        var lines = [String]()
        while let block = try stream.next() { lines += block.strings }
        #expect(stream.linesRead == lines.count)
        return lines
    }

    @Test func blocksOfAPipeGiveBackEveryLineWhateverTheChunking() throws {
        var random = SplitMix64(seed: 7)
        var expected = [String]()
        for i in 0..<400 {
            let length = i == 200 ? 5_000 : Int(random.next() % 90)      // one line longer than a block
            expected.append(String((0..<length).map { _ in Character(UnicodeScalar(UInt8(97 + random.next() % 26))) }))
        }
        let text = Array(expected.joined(separator: "\n").utf8) + [0x0A]
        for (blockSize, chunk) in [(64, 7), (256, 1000), (1 << 22, 4096), (100, 1)] {
            let fd = pipe(writing: text, chunk: chunk)
            defer { close(fd) }
            #expect(try readAll(fd, blockSize: blockSize) == expected, "block \(blockSize), chunk \(chunk)")
        }
        // Without a final newline, and with CRLF.
        let crlf = Array("a\r\nb\r\n\r\nlast".utf8)
        let fd = pipe(writing: crlf, chunk: 3)
        defer { close(fd) }
        #expect(try readAll(fd, blockSize: 4) == ["a", "b", "", "last"])
    }

    @Test func onlyTheInputsFirstBytesMayBeABOM() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = bom + Array("one\n".utf8) + bom + Array("two\n".utf8)
        let fd = pipe(writing: text, chunk: 7)         // the second block starts with the second BOM
        defer { close(fd) }
        #expect(try readAll(fd, blockSize: 7) == ["one", "\u{FEFF}two"])
    }

    /// A line typed into a pipe that stays open gets its block at once, not at end of input.
    @Test func aLineIsHandedOutWhileTheWriterWaits() throws {
        var ends: [Int32] = [0, 0]
        #expect(Glibc.pipe(&ends) == 0)
        let readEnd = ends[0], writeEnd = ends[1]
        defer { close(readEnd) }
        let seen = Seen()
        let gotFirst = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        DispatchQueue(label: "reader").async {
            var stream = LineStream(fd: readEnd, path: "test")
            do {
                while let block = try stream.next() {
                    seen.blocks.append(block.strings)
                    if seen.blocks.count == 1 { gotFirst.signal() }
                }
            } catch { seen.error = error }
            finished.signal()
        }
        _ = Array("hello\nwor".utf8).withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress!, $0.count) }
        let answered = gotFirst.wait(timeout: .now() + 10) == .success
        #expect(answered, "no block before the end of input")
        _ = Array("ld\n".utf8).withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress!, $0.count) }
        close(writeEnd)
        finished.wait()
        #expect(seen.error == nil)
        #expect(seen.blocks.flatMap { $0 } == ["hello", "world"])
        if answered { #expect(seen.blocks.first == ["hello"]) }
    }
}
