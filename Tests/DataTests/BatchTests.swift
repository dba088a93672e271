import Testing
@testable import Data

@Suite struct BatchTests {
    /// Two pairs in a bucket S = 4, T = 5: "a b c" → "x y" and "d" → "z".
    static func example() -> Batch {
        Batch(size: 2, sourceLength: 4, targetLength: 5,
              source: [0, 7, 6, 5,
                       0, 0, 0, 8],
              decoderInput: [1, 10, 11, 0, 0,
                             1, 12, 0, 0, 0],
              decoderTarget: [10, 11, 2, 0, 0,
                              12, 2, 0, 0, 0],
              targetWeights: [1, 1, 1, 0, 0,
                              1, 1, 0, 0, 0])
    }

    @Test func lengthsAndTokenCount() {
        let batch = Self.example()
        #expect(batch.consistencyProblem == nil)
        #expect((0..<2).map(batch.sourceLength(ofSentence:)) == [3, 1])
        #expect((0..<2).map(batch.targetLength(ofSentence:)) == [3, 2])
        #expect(batch.targetTokenCount == 5)
    }

    @Test func inconsistenciesAreNamed() {
        var batch = Self.example()
        batch.source[4 + 1] = 9; batch.source[4 + 2] = 0                   // padding inside the source
        #expect(batch.consistencyProblem == "sentence 1, source 2: padding after the first token (pad on the left)")
        batch = Self.example(); batch.source[4 + 3] = 0
        #expect(batch.consistencyProblem == "sentence 1: empty source")
        batch = Self.example(); batch.decoderInput[0] = 0
        #expect(batch.consistencyProblem == "sentence 0, target 0: decoder input 0 is not <go>")
        batch = Self.example(); batch.decoderInput[2] = 13
        #expect(batch.consistencyProblem == "sentence 0, target 1: decoder input 2 is not the target shifted right")
        batch = Self.example(); batch.decoderTarget[2] = 4
        #expect(batch.consistencyProblem == "sentence 0, target 2: 4 where <eos> belongs")
        batch = Self.example(); batch.targetWeights[4] = 1
        #expect(batch.consistencyProblem == "sentence 0, target 2: id 2 in a sentence")      // 4 weights: <eos> too early
        batch = Self.example(); batch.decoderTarget[5 + 3] = 9
        #expect(batch.consistencyProblem == "sentence 1, target 3: a token after <eos>")
        batch = Self.example(); for t in 0..<5 { batch.targetWeights[5 + t] = 0 }
        #expect(batch.consistencyProblem == "sentence 1: no target weight (expected y1 … yn <eos>)")
    }
}
