import IO

/// The two sides of a parallel corpus read together in chunks of at most `chunkPairs` pairs, so
/// that a pass over a corpus of any size holds one chunk (plus a read block per side) at a time.
public struct PairedLineStream {
    public let chunkPairs: Int
    private let readers: [() throws -> LineBuffer?]
    private let paths: [String]
    private var pending = [LineBuffer(), LineBuffer()]
    private var finished = [false, false]
    private var lines = [0, 0]
    /// The most pairs any chunk handed out held (what a test of the bound checks).
    public private(set) var largestChunk = 0

    /// - Parameter next: for each side, a function giving its next block of lines (nil at the end).
    public init(source: @escaping () throws -> LineBuffer?, target: @escaping () throws -> LineBuffer?,
                paths: [String], chunkPairs: Int) {
        precondition(chunkPairs > 0)
        self.readers = [source, target]
        self.paths = paths
        self.chunkPairs = chunkPairs
    }

    public init(source: LineFile, target: LineFile, chunkPairs: Int) {
        self.init(source: source.next, target: target.next, paths: [source.path, target.path], chunkPairs: chunkPairs)
    }

    /// The next chunk of pairs, nil after the last.
    /// - Throws: `PrepareError.lineCountMismatch` when one side ends before the other.
    public mutating func next() throws -> (source: LineBuffer, target: LineBuffer)? {
        for side in 0..<2 {
            while !finished[side] && pending[side].count < chunkPairs {
                if let block = try readers[side]() {
                    pending[side].append(contentsOf: block)
                    lines[side] += block.count
                } else {
                    finished[side] = true
                }
            }
        }
        let n = min(chunkPairs, pending[0].count, pending[1].count)
        if n == 0 {
            if pending[0].count != pending[1].count {
                throw PrepareError.lineCountMismatch(source: paths[0], sourceLines: lines[0], target: paths[1], targetLines: lines[1])
            }
            return nil
        }
        largestChunk = max(largestChunk, n)
        let chunk = (pending[0].prefix(n), pending[1].prefix(n))
        pending[0] = pending[0].dropping(n)
        pending[1] = pending[1].dropping(n)
        return chunk
    }
}

extension LineBuffer {
    /// The first `n` lines.
    func prefix(_ n: Int) -> LineBuffer {
        if n == count { return self }
        var out = LineBuffer()
        let end = n == 0 ? 0 : ends[n - 1]
        out.reserveCapacity(bytes: end, lines: n)
        for i in 0..<n { withLine(i) { out.append($0) } }
        return out
    }

    /// All but the first `n` lines.
    func dropping(_ n: Int) -> LineBuffer {
        if n == 0 { return self }
        var out = LineBuffer()
        for i in n..<count { withLine(i) { out.append($0) } }
        return out
    }
}
