import Testing
import Data
import IO
import Model
import Tensor
@testable import Decode
import ModelTestSupport

@Suite struct SearchTests {
    /// GNMT's formula, and α = 0 is the raw log-probability.
    @Test func lengthPenalty() {
        #expect(LengthPenalty(alpha: 0)(17) == 1)
        #expect(abs(LengthPenalty(alpha: 1)(7) - 2) < 1e-12)
        #expect(abs(LengthPenalty(alpha: 0.6)(10) - pow(15.0 / 6, 0.6)) < 1e-12)
        #expect(LengthPenalty(alpha: 1).score(logProbability: -4, length: 7) == -2)
        #expect(SearchOptions(maxLengthRatio: 1.5).maximumTokens(sourceLength: 3) == 5)
        #expect(SearchOptions(maxLengthRatio: 0.1).maximumTokens(sourceLength: 3) == 1)
    }

    /// Beam 1 is greedy search: the same tokens, log-probabilities and scores, on models of every kind.
    @Test(arguments: LuongAttention.Score.allCases, [1, 2])
    func beamOfOneIsGreedy(score: LuongAttention.Score, layers: Int) {
        for seed in 1...3 as ClosedRange<UInt64> {
            let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 7, layers: layers, score: score), seed: seed, eosBias: -1)
            let sources = randomSources(9, lengths: 1...6, seed: seed)
            let options = SearchOptions(beam: 1, lengthPenalty: 0.7)
            let greedy = GreedySearch(model: tiny.model, parameters: tiny.store, batchSize: 4).translate(sources, options: options)
            let beam = BeamSearch(model: tiny.model, parameters: tiny.store, batchSize: 4, beam: 1).translate(sources, options: options)
            #expect(beam.map { $0[0] } == greedy)
            #expect(greedy.contains { !$0.tokens.isEmpty })
        }
    }

    /// On a model small enough to enumerate every output (3 words, at most 4 tokens: 121
    /// sequences), beam search with a beam that never prunes returns the exact best under its
    /// scoring, for several length penalties; and the score it reports is that sequence's.
    @Test(arguments: [0.0, 0.6, 1.0, 2.5])
    func beamSearchFindsTheBestSequence(alpha: Double) {
        for seed in 1...4 as ClosedRange<UInt64> {
            let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 6, layers: 2), scale: 1.5, seed: 10 + seed)
            let source: [Int32] = [4, Int32(4 + seed % 5)]
            let options = SearchOptions(beam: 128, lengthPenalty: alpha, maxLengthRatio: 2)
            let T = options.maximumTokens(sourceLength: source.count)
            var sequences: [[Int32]] = [[]]
            var frontier: [[Int32]] = [[]]
            for _ in 0..<T {
                frontier = frontier.flatMap { prefix in (3...5 as ClosedRange<Int32>).map { prefix + [$0] } }
                sequences += frontier
            }
            let logP = tiny.logProbabilities(source: source, targets: sequences)
            let penalty = LengthPenalty(alpha: alpha)
            let scores = zip(sequences, logP).map { penalty.score(logProbability: $1, length: $0.count + 1) }
            let best = scores.indices.max { scores[$0] < scores[$1] }!

            let search = BeamSearch(model: tiny.model, parameters: tiny.store, batchSize: 1, beam: 128)
            let found = search.translate([source], options: options)[0][0]
            #expect(found.tokens == sequences[best], "seed \(seed), α \(alpha)")
            #expect(abs(found.score - scores[best]) < 1e-4)
            #expect(abs(found.logProbability - logP[best]) < 1e-4)
            // The second best under the scoring, too (n-best order).
            let nBest = search.translate([source], options: SearchOptions(beam: 128, lengthPenalty: alpha, nBest: 3))[0]
            let ranked = scores.indices.sorted { scores[$0] > scores[$1] }
            #expect(nBest.map(\.tokens) == ranked.prefix(3).map { sequences[$0] })
        }
    }

    /// A sentence decoded alone and inside batches of others gives the same output.
    @Test(arguments: [1, 3])
    func aSentenceAloneAndInABatchGiveTheSameOutput(beam: Int) {
        let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 9, layers: 2), seed: 5, eosBias: -0.5)
        let sources = randomSources(12, lengths: 1...7, seed: 9)
        let options = SearchOptions(beam: beam, lengthPenalty: 1)
        func translate(_ batch: [[Int32]], batchSize: Int) -> [[Hypothesis]] {
            if beam == 1 {
                return GreedySearch(model: tiny.model, parameters: tiny.store, batchSize: batchSize)
                    .translate(batch, options: options).map { [$0] }
            }
            return BeamSearch(model: tiny.model, parameters: tiny.store, batchSize: batchSize, beam: beam).translate(batch, options: options)
        }
        let together = translate(sources, batchSize: 12)
        let inFours = translate(sources.reversed(), batchSize: 4).reversed()
        for (i, source) in sources.enumerated() {
            let alone = translate([source], batchSize: 1)[0]
            #expect(alone.map(\.tokens) == together[i].map(\.tokens), "sentence \(i)")
            #expect(alone.map(\.tokens) == Array(inFours)[i].map(\.tokens), "sentence \(i)")
            #expect(abs(alone[0].score - together[i][0].score) < 1e-5)
        }
        #expect(Set(together.map { $0[0].tokens.count }).count > 1, "sentences should stop at different steps")
    }

    /// N-best lists: at most N, best first, distinct; outputs never longer than allowed; the
    /// alignments of each token and of <eos> when asked for; an empty source gives an empty output.
    @Test func nBestListsAndLimits() {
        let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 8, layers: 1), scale: 0.3, seed: 2)
        let sources = randomSources(6, lengths: 1...5, seed: 4) + [[]]
        let options = SearchOptions(beam: 4, lengthPenalty: 0.5, maxLengthRatio: 1.5, nBest: 3, keepAlignments: true)
        let results = BeamSearch(model: tiny.model, parameters: tiny.store, batchSize: 3, beam: 4).translate(sources, options: options)
        for (source, list) in zip(sources, results) {
            if source.isEmpty { #expect(list == [.empty]); continue }
            #expect(!list.isEmpty && list.count <= 3)
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(Set(list.map(\.tokens)).count == list.count)
            for hypothesis in list {
                #expect(hypothesis.tokens.count <= options.maximumTokens(sourceLength: source.count))
                #expect(hypothesis.tokens.allSatisfy { $0 >= Batch.unk })
                #expect(hypothesis.attendedSource.count == hypothesis.tokens.count)
                #expect(hypothesis.attendedSource.allSatisfy { (0..<source.count).contains($0) })
                #expect(hypothesis.alignments.count == (hypothesis.tokens.count + 1) * source.count)
                let logP = tiny.logProbabilities(source: source, targets: [hypothesis.tokens])[0]
                #expect(abs(hypothesis.logProbability - logP) < 1e-4)
            }
        }
    }

    /// Batches of 2 and of 64 give the same ids, without <eos>; an empty source gives none.
    @Test func greedyLibraryCall() {
        let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 7, layers: 2), seed: 8)
        let sources = randomSources(5, lengths: 2...6, seed: 1) + [[]]
        let ids = GreedySearch(model: tiny.model, parameters: tiny.store, batchSize: 2)
            .translate(sources, options: SearchOptions(beam: 1)).map(\.tokens)
        let search = GreedySearch(model: tiny.model, parameters: tiny.store, batchSize: 64)
        #expect(ids == search.translate(sources, options: SearchOptions(beam: 1)).map(\.tokens))
        #expect(ids.last == [])
        #expect(ids.allSatisfy { !$0.contains(Batch.eos) })
    }
}

#if canImport(Glibc)
import Glibc
#endif
