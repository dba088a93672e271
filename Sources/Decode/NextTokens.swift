import CDecode
import Data
import Dispatch
import Model
import Tensor

/// The read of one step's logits that both searches need: log Σ exp of each row (the softmax's
/// normalizer, so log p(y) = logit_y − logSumExp) and the k best next tokens of each row, in one
/// pass of a C kernel over the logits (`nmt_decode_candidates`).
///
/// `<pad>` and `<go>` are never candidates (they are not outputs), though the softmax counts
/// them as training did. Buffers are sized once: a scan allocates nothing.
final class NextTokens {
    /// The first id that may be output: `<eos>` (ids 0 and 1 are `<pad>` and `<go>`).
    static let firstCandidate = Int(Batch.eos)

    let k: Int
    private(set) var logSumExp: [Float]
    private(set) var values: [Float]       // [rows, k]: logit + bias of the k best, best first
    private(set) var ids: [Int32]          // [rows, k]
    /// What the last scan read: the logits and the bias added to them.
    private var scanned: (logits: Matrix, bias: Matrix)?

    /// - Parameters: rows: the most rows of a step; k: candidates per row (at most Vt − 2).
    init(rows: Int, k: Int) {
        self.k = k
        logSumExp = [Float](repeating: 0, count: rows)
        values = [Float](repeating: 0, count: rows * k)
        ids = [Int32](repeating: 0, count: rows * k)
    }

    /// Scans the last step of `inference` (its logits plus the output bias), the rows split
    /// between `GEMM.threads` threads when there are many (the BLAS threads idle meanwhile).
    /// With an `ensemble`, it scans the models' mean log-probabilities instead, taken as they
    /// are (logSumExp 0).
    func scan(_ inference: Seq2Seq.Inference, ensemble: Ensemble? = nil) {
        if let ensemble {
            scan(logits: ensemble.logProbabilities(inference), bias: ensemble.zeroBias, normalizing: false)
            for r in 0..<inference.rowCount { logSumExp[r] = 0 }
        } else {
            scan(logits: inference.logits, bias: inference.outputBias, normalizing: true)
        }
    }

    /// - Parameter normalizing: whether to find log Σ exp too (not of log-probabilities).
    private func scan(logits: Matrix, bias: Matrix, normalizing: Bool) {
        scanned = (logits, bias)
        precondition(logits.rows <= logSumExp.count && k <= logits.columns - NextTokens.firstCandidate, "candidate buffers too small")
        let k = self.k
        logSumExp.withUnsafeMutableBufferPointer { logSumExp in
            values.withUnsafeMutableBufferPointer { values in
                ids.withUnsafeMutableBufferPointer { ids in
                    nonisolated(unsafe) let logSumExp = normalizing ? logSumExp.baseAddress! : nil
                    nonisolated(unsafe) let values = values.baseAddress!, ids = ids.baseAddress!
                    Self.forEachPart(rows: logits.rows, columns: logits.columns) { rows in
                        let first = rows.lowerBound
                        nmt_decode_candidates(Int32(rows.count), Int32(logits.columns), logits.row(first), Int32(logits.stride),
                                              bias.base, Int32(NextTokens.firstCandidate), Int32(k), logSumExp.map { $0 + first },
                                              values + first * k, ids + first * k)
                    }
                }
            }
        }
    }

    /// Runs `part` over consecutive ranges that cover 0..<rows: one range, or one per `GEMM.threads`
    /// thread when a pass over [rows, columns] is large enough to be worth it (the BLAS threads
    /// idle meanwhile).
    static func forEachPart(rows: Int, columns: Int, _ part: @Sendable (Range<Int>) -> Void) {
        guard rows > 0 else { return }
        let parts = rows * columns >= 1 << 16 ? min(GEMM.threads, rows) : 1
        if parts == 1 { part(0..<rows); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in part((rows * p / parts)..<(rows * (p + 1) / parts)) }
    }

    /// log p(token) in row `row` of the scanned step (any token, e.g. `<eos>` when it is forced).
    func logProbability(of token: Int32, row: Int) -> Float {
        scanned!.logits[row, Int(token)] + scanned!.bias[0, Int(token)] - logSumExp[row]
    }
}

extension Seq2Seq.Inference {
    /// The source index (reading order) of the largest weight of row `row`'s last a_t.
    func attendedSource(row: Int) -> Int {
        let alignments = self.alignments, sentence = Int(rowSentence[row])
        let first = sourceLength - sourceLengths[sentence]
        let a = alignments.row(row)
        var best = first
        for s in first..<sourceLength where a[s] > a[best] { best = s }
        return sourceIndex(position: best, sentence: sentence) ?? 0
    }

    /// Appends row `row`'s last a_t in the source's reading order (|x| weights).
    func appendAlignment(row: Int, to output: inout [Float]) {
        let sentence = Int(rowSentence[row]), a = alignments.row(row)
        let n = sourceLengths[sentence], first = sourceLength - n
        for j in 0..<n { output.append(a[reverseSource ? sourceLength - 1 - j : first + j]) }
    }
}
