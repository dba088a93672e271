import Testing
import IO
import Model
import Tensor
@testable import Decode
import ModelTestSupport

/// The C pass over the logits against a plain Double computation.
@Suite struct NextTokensTests {
    @Test(arguments: [1, 2, 6], [5, 37, 1000])
    func logSumExpAndBestTokensMatchAPlainComputation(k: Int, vocabulary: Int) {
        guard k <= vocabulary - 2 else { return }
        let configuration = Seq2SeqConfiguration(sourceVocabularySize: 9, targetVocabularySize: vocabulary, embedding: 3,
                                                 hidden: 4, layers: 1)
        let tiny = TinyModel(configuration, scale: 2, seed: UInt64(vocabulary))
        let inference = Seq2Seq.Inference(model: tiny.model, parameters: tiny.store, maximumRows: 3)
        inference.start(sources: [[4, 5], [6], [7, 8, 4]])
        [Int32](repeating: 1, count: 3).withUnsafeBufferPointer { inference.step(ids: $0) }
        // Ties: two columns with the same logit.
        inference.outputBias[0, vocabulary - 1] = inference.outputBias[0, 2]
        inference.logits[1, vocabulary - 1] = inference.logits[1, 2]
        let next = NextTokens(rows: 3, k: k)
        next.scan(inference)
        for r in 0..<3 {
            let x = (0..<vocabulary).map { Double(inference.logits[r, $0]) + Double(inference.outputBias[0, $0]) }
            let maximum = x.max()!
            let expected = maximum + log(x.reduce(0) { $0 + exp($1 - maximum) })
            #expect(abs(Double(next.logSumExp[r]) - expected) < 1e-5 * max(1, abs(expected)))
            let rounded: [Float] = x.map { Float($0) }
            let ranked = (2..<vocabulary).sorted { (a: Int, b: Int) -> Bool in rounded[a] != rounded[b] ? rounded[a] > rounded[b] : a < b }
            #expect(next.ids[(r * k)..<(r * k + k)].map(Int.init) == Array(ranked.prefix(k)), "row \(r)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
