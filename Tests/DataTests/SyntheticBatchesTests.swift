import IO
import Testing
@testable import Data

/// The peer's `synthetic_batch` distribution: shapes, layout, length ranges and their means.
@Suite struct SyntheticBatchesTests {
    static let batches = SyntheticBatches.batches(count: 40, size: 64, sourceVocabulary: 8000, targetVocabulary: 500, seed: 1)

    @Test func shapesAndLayout() {
        for batch in Self.batches {
            #expect(batch.size == 64 && batch.sourceLength == 20 && batch.targetLength == 25)
            #expect(batch.consistencyProblem == nil)
            #expect(batch.source.allSatisfy { $0 == 0 || (4..<8000).contains($0) })
            #expect(batch.decoderTarget.allSatisfy { $0 <= 2 || (4..<500).contains($0) })
        }
    }

    @Test func lengthsAreUniformOverThePeersRanges() {
        var sourceCounts = [Int: Int](), targetCounts = [Int: Int]()
        var tokens = 0
        for batch in Self.batches {
            for b in 0..<batch.size {
                sourceCounts[batch.sourceLength(ofSentence: b), default: 0] += 1
                targetCounts[batch.targetLength(ofSentence: b) - 1, default: 0] += 1     // n, without <eos>
            }
            tokens += batch.targetTokenCount
        }
        #expect(Set(sourceCounts.keys) == Set(5...20))
        #expect(Set(targetCounts.keys) == Set(5...24))
        // 2,560 sentences: 160 per source length, 128 per target length; a uniform count stays within ±60.
        #expect(sourceCounts.values.allSatisfy { abs($0 - 160) < 60 }, "\(sourceCounts)")
        #expect(targetCounts.values.allSatisfy { abs($0 - 128) < 60 }, "\(targetCounts)")
        // E[n + 1] = 15.5 of 25 positions: 62% real target tokens.
        let share = Double(tokens) / Double(40 * 64 * 25)
        #expect(abs(share - 0.62) < 0.01, "\(share)")
    }

    /// Rank 1 (id 4) has probability 1/ζ(1.2) ≈ 0.179; the clip to vocabulary − 1 collects the tail.
    @Test func idsFollowTheClippedZipfLaw() {
        var four = 0, last = 0, count = 0
        for batch in Self.batches {
            for (i, y) in batch.decoderTarget.enumerated() where batch.targetWeights[i] == 1 && y != Batch.eos {
                count += 1
                if y == 4 { four += 1 }
                if y == 499 { last += 1 }
            }
        }
        #expect(abs(Double(four) / Double(count) - 1 / 5.591582441177751) < 0.01)
        // P(k ≥ 496) = 1 − Σ_{k<496} k^−1.2/ζ(1.2) ≈ 0.258 (heavy tail).
        #expect(abs(Double(last) / Double(count) - 0.258) < 0.02, "\(Double(last) / Double(count))")
    }

    @Test func aSeedGivesTheSameBatches() {
        let again = SyntheticBatches.batches(count: 2, size: 64, sourceVocabulary: 8000, targetVocabulary: 500, seed: 1)
        let other = SyntheticBatches.batches(count: 2, size: 64, sourceVocabulary: 8000, targetVocabulary: 500, seed: 2)
        #expect(again[1].source == Self.batches[1].source && again[1].decoderTarget == Self.batches[1].decoderTarget)
        #expect(other[0].source != Self.batches[0].source)
    }
}
