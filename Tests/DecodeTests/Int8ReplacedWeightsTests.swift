import Data
import Model
import ModelTestSupport
import Tensor
import Testing

/// Decoding with int8 weights reads none of the fp32 weights they replace
/// (`Int8Decoder.replacedWeights`, which `nmt translate --precision int8` gives back): poisoned
/// with NaN, they change no logit of a few steps that continue rows as a beam does.
@Suite struct Int8ReplacedWeightsTests {
    /// Logits of 4 steps over 3 sentences (then 6 rows, taken out of order), in int8.
    static func logits(_ configuration: Seq2SeqConfiguration, limit: Int, poison: Bool, poisonAlsoRead: Bool = false) throws -> [[Float]] {
        let tiny = TinyModel(configuration, scale: 0.5, seed: 5)
        let weights = try #require(Int8Decoder(model: tiny.model, parameters: tiny.store, embeddingGateLimit: limit))
        if poison {
            for (view, rows) in Int8Decoder.replacedWeights(model: tiny.model, embeddingGateLimit: limit) {
                tiny.store.value(view).rows(rows).fill(.nan)
            }
        }
        // A weight decoding does read (the output bias): the check must see it.
        if poisonAlsoRead { tiny.store.value(tiny.model.outputBias).fill(.nan) }
        let inference = Seq2Seq.Inference(model: tiny.model, parameters: tiny.store, maximumRows: 6, embeddingGateLimit: limit)
        inference.int8 = weights
        inference.start(sources: [[4, 5, 6, 7, 8], [5, 7], [12, 6, 4]])
        var ids = [Int32](repeating: Batch.go, count: 3), all = [[Float]]()
        for t in 0..<4 {
            ids.withUnsafeBufferPointer { inference.step(ids: $0) }
            let logits = inference.logits, bias = inference.outputBias
            all += (0..<logits.rows).map { r in (0..<logits.columns).map { logits[r, $0] + bias[0, $0] } }
            let origins: [Int32] = t == 0 ? [0, 0, 1, 2, 2, 1] : [5, 4, 3, 2, 1, 0]
            origins.withUnsafeBufferPointer { inference.select(origins: $0) }
            ids = origins.map { 4 + ($0 + Int32(t)) % 20 }
        }
        return all
    }

    @Test(arguments: LuongAttention.Score.allCases, [0, 1 << 24])
    func int8DecodingReadsNoReplacedWeight(score: LuongAttention.Score, limit: Int) throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let configuration = Seq2SeqConfiguration(sourceVocabularySize: 13, targetVocabularySize: 29, embedding: 8, hidden: 16,
                                                 layers: 2, score: score, inputFeeding: true, dropout: 0)
        let clean = try Self.logits(configuration, limit: limit, poison: false)
        #expect(clean.count == 3 + 6 * 3 && clean.allSatisfy { $0.allSatisfy(\.isFinite) })
        #expect(try Self.logits(configuration, limit: limit, poison: true) == clean)
        #expect(try Self.logits(configuration, limit: limit, poison: true, poisonAlsoRead: true) != clean)
    }
}
