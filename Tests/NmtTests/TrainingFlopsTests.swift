import Data
import Testing
@testable import nmt

/// The FLOP counts behind `nmt bench train`'s GFLOPS, against the table in `TrainingFlops`.
@Suite struct TrainingFlopsTests {
    static let small = TrainingFlops(embedding: 256, hidden: 256, layers: 1, targetVocabulary: 8000, numSampled: nil)
    static let medium = TrainingFlops(embedding: 512, hidden: 512, layers: 2, targetVocabulary: 32000, numSampled: nil)
    static let mediumSampled = TrainingFlops(embedding: 512, hidden: 512, layers: 2, targetVocabulary: 32000, numSampled: 512)

    /// Per target token at the peer's mean lengths: 12.5 source tokens a sentence, 15.5 target positions.
    static func perTargetToken(_ flops: TrainingFlops) -> Double {
        flops.perTargetToken + flops.perSourceToken * 12.5 / 15.5 + flops.perAlignment * 12.5
    }

    @Test func tableRows() {
        // S: decoder 3·2·(512 + 256)·1024, W_c 3·2·512·256, logits 3·2·256·8000.
        #expect(Self.small.perTargetToken == 4_718_592 + 786_432 + 12_288_000)
        // S: encoder 3·2·512·1024 and keys 3·2·256·256.
        #expect(Self.small.perSourceToken == 3_145_728 + 393_216)
        #expect(abs(Self.perTargetToken(Self.small) / 1e6 - 20.69) < 0.01)
        #expect(abs(Self.perTargetToken(Self.medium) / 1e6 - 154.55) < 0.01)
        #expect(abs(Self.perTargetToken(Self.mediumSampled) / 1e6 - 57.82) < 0.01)
    }

    @Test func stepCountsOnlyRealPositions() {
        // Sentence 0: 3 source tokens, 2 target positions; sentence 1: 1 and 3.
        let batch = Batch(size: 2, sourceLength: 4, targetLength: 4,
                          source: [0, 7, 6, 5, 0, 0, 0, 8],
                          decoderInput: [1, 9, 0, 0, 1, 9, 10, 0], decoderTarget: [9, 2, 0, 0, 9, 10, 2, 0],
                          targetWeights: [1, 1, 0, 0, 1, 1, 1, 0])
        let f = Self.small
        let expected = 4 * f.perSourceToken + 5 * f.perTargetToken + Double(3 * 2 + 1 * 3) * f.perAlignment
        #expect(f.step(batch) == expected)
    }
}
