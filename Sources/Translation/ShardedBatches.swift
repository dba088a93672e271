import Decode
import IO
import MPI

/// Sharded translation's two exchanges (`nmt translate` under mpirun): rank 0 hands each block
/// of input lines to every rank, and the ranks hand their share of the decoded sentences back.
///
/// Every rank prepares the same sentences and sorts them the same way (`Search.longestFirst`),
/// so the batches are those one process makes; rank r decodes batches r, r + N, r + 2N, … of the
/// N ranks (longest first, so each rank gets long and short ones alike). A sentence is decoded in
/// the same batch as in one process, hence with the same arithmetic: the output is byte-identical.
enum ShardedBatches {
    /// The batches (index ranges into `order`) rank `rank` of `size` decodes.
    static func share(count: Int, batchSize: Int, rank: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: batchSize).enumerated().compactMap { b, start in
            b % size == rank ? start..<min(start + batchSize, count) : nil
        }
    }

    /// The hypotheses of `indices` (sentence, then its hypotheses bit for bit).
    static func encode(_ indices: [Int], _ results: [[Hypothesis]]) -> [UInt8] {
        var message = MessageWriter()
        message.append(indices.count)
        for i in indices {
            message.append(i)
            message.append(results[i].count)
            for h in results[i] {
                message.append(h.tokens)
                message.append(h.logProbability)
                message.append(h.score)
                message.append(h.attendedSource)
                message.append(h.alignments)
            }
        }
        return message.bytes
    }

    /// Puts what `encode` wrote into `results`; the number of sentences it held.
    static func decode(_ bytes: [UInt8], into results: inout [[Hypothesis]]) -> Int {
        var message = MessageReader(bytes)
        let count = message.int()
        for _ in 0..<count {
            let i = message.int()
            results[i] = (0..<message.int()).map { _ in
                let tokens = message.int32s()
                let logProbability = message.double()
                let score = message.double()
                return Hypothesis(tokens: tokens, logProbability: logProbability, score: score,
                                  attendedSource: message.ints(), alignments: message.floats())
            }
        }
        return count
    }

    /// A block of lines as rank 0 sends it, nil for the end of the input.
    static func encode(_ lines: LineBuffer?) -> [UInt8] {
        guard let lines else { return [0] }
        var message = MessageWriter()
        message.append(lines.ends)
        message.append(bytes: lines.bytes)
        return [1] + message.bytes
    }

    static func decodeLines(_ bytes: [UInt8]) -> LineBuffer? {
        guard bytes.first == 1 else { return nil }
        var message = MessageReader(Array(bytes.dropFirst()))
        let ends = message.ints()
        let all = message.byteArray()
        var lines = LineBuffer()
        lines.reserveCapacity(bytes: all.count, lines: ends.count)
        var start = 0
        for end in ends {
            lines.append(all[start..<end])
            start = end
        }
        return lines
    }
}
