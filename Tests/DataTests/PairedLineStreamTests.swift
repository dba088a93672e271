import IO
import Testing
@testable import Data

/// The chunking that bounds a streamed prepare's memory: no chunk over `chunkPairs`, every line
/// once and in order, whatever the read blocks hold; a side that ends early is an error.
@Suite struct PairedLineStreamTests {
    /// Blocks of `sizes` lines, cycling, from `lines`.
    func blocks(_ lines: [String], sizes: [Int]) -> () throws -> LineBuffer? {
        var position = 0, k = 0
        return {
            guard position < lines.count else { return nil }
            let n = min(sizes[k % sizes.count], lines.count - position)
            defer { position += n; k += 1 }
            return LineBuffer(lines: lines[position..<(position + n)])
        }
    }

    @Test(arguments: [1, 4, 7, 100])
    func chunksAreBoundedAndKeepEveryLine(chunkPairs: Int) throws {
        let source = (0..<53).map { "s\($0)" }, target = (0..<53).map { "t\($0) x" }
        var stream = PairedLineStream(source: blocks(source, sizes: [5, 1, 13]), target: blocks(target, sizes: [20, 2]),
                                      paths: ["a", "b"], chunkPairs: chunkPairs)
        var (seenSource, seenTarget) = ([String](), [String]())
        while let chunk = try stream.next() {
            #expect(chunk.source.count == chunk.target.count && chunk.source.count <= chunkPairs && chunk.source.count > 0)
            seenSource += chunk.source.strings
            seenTarget += chunk.target.strings
        }
        #expect(seenSource == source && seenTarget == target)
        #expect(stream.largestChunk == min(chunkPairs, 53))
    }

    @Test func aShortSideIsALineCountMismatch() throws {
        var stream = PairedLineStream(source: blocks(["a", "b", "c"], sizes: [2]), target: blocks(["x", "y"], sizes: [1]),
                                      paths: ["in.en", "in.fr"], chunkPairs: 2)
        _ = try stream.next()
        #expect(throws: PrepareError.lineCountMismatch(source: "in.en", sourceLines: 3, target: "in.fr", targetLines: 2)) {
            while try stream.next() != nil {}
        }
    }
}
