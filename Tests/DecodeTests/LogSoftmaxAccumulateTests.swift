import CDecode
import Foundation
import IO
import Testing

/// `nmt_decode_log_softmax_accumulate`, an ensemble's per-step kernel, against a plain Double
/// computation, and the property the self-ensemble identity rests on.
@Suite struct LogSoftmaxAccumulateTests {
    /// Rows of random logits with a row stride wider than the row (a view), a shared bias.
    struct Step {
        let rows: Int, columns: Int, stride: Int
        var logits: [Float]
        var bias: [Float]

        init(rows: Int, columns: Int, seed: UInt64, scale: Float = 8) {
            var random = SplitMix64(seed: seed)
            func uniform() -> Float { (2 * Float(random.next() >> 40) * (1.0 / Float(1 << 24)) - 1) * scale }
            self.rows = rows
            self.columns = columns
            stride = columns + 3
            logits = (0..<(rows * stride)).map { _ in uniform() }
            bias = (0..<columns).map { _ in uniform() }
        }

        /// sum (=, or += when `accumulate`) scale · log softmax(logits + bias), through the kernel.
        func accumulate(into sum: inout [Float], sumStride: Int, scale: Float, accumulate: Bool) {
            nmt_decode_log_softmax_accumulate(Int32(rows), Int32(columns), logits, Int32(stride), bias, scale, accumulate ? 1 : 0,
                                              &sum, Int32(sumStride))
        }

        /// log softmax of row r in Double.
        func logSoftmax(row r: Int) -> [Double] {
            let x = (0..<columns).map { Double(logits[r * stride + $0]) + Double(bias[$0]) }
            let maximum = x.max()!
            let normalizer = maximum + log(x.reduce(0) { $0 + exp($1 - maximum) })
            return x.map { $0 - normalizer }
        }
    }

    /// Three models: the sum is the mean of their log-softmax (within Float rounding); columns
    /// beyond the row (the sum's own stride) are not written.
    @Test(arguments: [5, 37, 1000])
    func theSumIsTheMeanOfTheModelsLogSoftmax(vocabulary: Int) {
        let rows = 4, sumStride = vocabulary + 1
        let models = (0..<3).map { Step(rows: rows, columns: vocabulary, seed: UInt64(10 * vocabulary + $0)) }
        var sum = [Float](repeating: .nan, count: rows * sumStride)
        for (m, model) in models.enumerated() {
            model.accumulate(into: &sum, sumStride: sumStride, scale: 1 / 3, accumulate: m > 0)
        }
        var worst = 0.0
        for r in 0..<rows {
            let expected = models.map { $0.logSoftmax(row: r) }.reduce([Double](repeating: 0, count: vocabulary)) { zip($0, $1).map { $0 + $1 / 3 } }
            for j in 0..<vocabulary {
                let error = abs(Double(sum[r * sumStride + j]) - expected[j]) / max(1, abs(expected[j]))
                worst = max(worst, error)
                #expect(error < 1e-5, "row \(r), column \(j): \(sum[r * sumStride + j]), expected \(expected[j])")
            }
            #expect(sum[r * sumStride + vocabulary].isNaN, "row \(r) wrote past its columns")
        }
        print("log-softmax accumulate, V = \(vocabulary), 3 models: largest relative error \(worst)")
    }

    /// Two copies of a model (scale ½) give x − lse bit for bit, with the lse that
    /// `nmt_decode_candidates` finds for the search's own model: an ensemble of a model with itself
    /// scores as the model does.
    @Test(arguments: [5, 37, 1000, 32_003])
    func twoCopiesGiveTheModelsOwnLogSoftmaxBitForBit(vocabulary: Int) {
        let rows = 3
        let model = Step(rows: rows, columns: vocabulary, seed: UInt64(vocabulary))
        var sum = [Float](repeating: 0, count: rows * vocabulary)
        model.accumulate(into: &sum, sumStride: vocabulary, scale: 0.5, accumulate: false)
        model.accumulate(into: &sum, sumStride: vocabulary, scale: 0.5, accumulate: true)
        var logSumExp = [Float](repeating: 0, count: rows), values = [Float](repeating: 0, count: rows), ids = [Int32](repeating: 0, count: rows)
        nmt_decode_candidates(Int32(rows), Int32(vocabulary), model.logits, Int32(model.stride), model.bias, 2, 1, &logSumExp, &values, &ids)
        for r in 0..<rows {
            let mismatches = (0..<vocabulary).filter { j in
                sum[r * vocabulary + j].bitPattern != ((model.logits[r * model.stride + j] + model.bias[j]) - logSumExp[r]).bitPattern
            }
            #expect(mismatches.isEmpty, "row \(r): \(mismatches.count) columns differ, the first \(mismatches.first ?? -1)")
        }
    }
}
