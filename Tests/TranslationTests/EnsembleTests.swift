import Data
import Decode
import Foundation
import IO
import Model
import ModelFiles
import Tensor
import Testing
import TestSupport
import Translation

/// Ensembles (`nmt translate --model A --model B`): the mean of the models' log-probabilities at
/// each step, checked against a hand computation; a model with itself is the model.
@Suite struct EnsembleTests {
    static let fixtures = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation")
    static let general = fixtures.appendingPathComponent("general").path
    static let concat = fixtures.appendingPathComponent("concat").path

    static func lines() throws -> [String] {
        Array(try FileSystem.readLines(fixtures.appendingPathComponent("input.en").path).strings.prefix(40))
    }

    /// Two copies of a model translate as the model does, scores included, at beam 1, 5 and the
    /// 3 best (long lines cut into pieces included: the member's pieces are found from words).
    @Test(arguments: [(1, nil), (5, nil), (3, 3)] as [(Int, Int?)])
    func aModelWithItselfIsTheModel(beam: Int, nBest: Int?) throws {
        var options = TranslationOptions()
        options.beam = beam
        options.nBest = nBest
        options.quiet = true
        let directory = try ModelDirectory(path: Self.general)
        let single = try Translator(directory: directory, options: options)
        let pair = try Translator(directories: [directory, try ModelDirectory(path: Self.general)], options: options)
        let lines = LineBuffer(lines: try Self.lines())
        #expect(try pair.translations(lines) == single.translations(lines))
        #expect(pair.sentencesDone > lines.count, "no line was cut into pieces")
    }

    /// Greedy decoding of `general` with `concat`: each token is the argmax of the mean of the two
    /// models' log-softmax (computed here in Double, each model stepped alone on the ensemble's
    /// tokens), and the hypothesis' log-probability is the sum of those means.
    @Test func twoModelsAverageTheirLogProbabilities() throws {
        let first = try ModelDirectory(path: Self.general), second = try ModelDirectory(path: Self.concat)
        let (modelA, parametersA, _) = try first.load(.best)
        let (modelB, parametersB, _) = try second.load(.best)
        let search = GreedySearch(model: modelA, parameters: parametersA, batchSize: 4)
        search.join([(modelB, parametersB, second.recipe.data.reverseSource)])
        let sentences: [[Int32]] = [["this", "package", "provides", "the", "library", "."], ["it", "contains", "files", "."]]
            .map { $0.map { first.sourceVocabulary.id($0) } }
        let options = SearchOptions(beam: 1, maxLengthRatio: 2, reverseSource: first.recipe.data.reverseSource)
        let found = search.translate(sentences, memberSources: [sentences], options: options)
        for (source, hypothesis) in zip(sentences, found) {
            let a = Seq2Seq.Inference(model: modelA, parameters: parametersA, maximumRows: 1)
            let b = Seq2Seq.Inference(model: modelB, parameters: parametersB, maximumRows: 1)
            a.start(sources: [source], reverseSource: first.recipe.data.reverseSource)
            b.start(sources: [source], reverseSource: second.recipe.data.reverseSource)
            var previous = Batch.go, total = 0.0
            for token in hypothesis.tokens + [Batch.eos] {
                var mean = [Double](repeating: 0, count: modelA.configuration.targetVocabularySize)
                for inference in [a, b] {
                    [previous].withUnsafeBufferPointer { inference.step(ids: $0) }
                    let scores = (0..<mean.count).map { Double(inference.logits[0, $0]) + Double(inference.outputBias[0, $0]) }
                    let top = scores.max()!
                    let normalizer = top + log(scores.reduce(0) { $0 + exp($1 - top) })
                    for v in mean.indices { mean[v] += (scores[v] - normalizer) / 2 }
                }
                let candidates = Int(Batch.eos)..<mean.count
                let best = candidates.max { mean[$0] < mean[$1] }!
                if token != Batch.eos || hypothesis.tokens.count < options.maximumTokens(sourceLength: source.count) {
                    #expect(mean[best] - mean[Int(token)] < 1e-4, "token \(token) is not the argmax \(best)")
                }
                total += mean[Int(token)]
                previous = token
                [Int32(0)].withUnsafeBufferPointer { a.select(origins: $0); b.select(origins: $0) }
            }
            #expect(abs(total - hypothesis.logProbability) < 1e-3 * max(1, abs(total)), "\(total) vs \(hypothesis.logProbability)")
        }
        // And the ensemble is neither model alone.
        let alone = GreedySearch(model: modelA, parameters: parametersA, batchSize: 4).translate(sentences, options: options)
        #expect(zip(alone, found).contains { $0.logProbability != $1.logProbability })
    }

    /// Sampling draws from one model: `Translator(directories:)` refuses an ensemble before it
    /// loads a checkpoint, and `nmt translate` says so in one line.
    @Test func samplingFromAnEnsembleIsRefused() throws {
        var options = TranslationOptions()
        options.sampling = Sampling(temperature: 1, seed: 1)
        let directories = [try ModelDirectory(path: Self.general), try ModelDirectory(path: Self.concat)]
        #expect(throws: TranslationError.samplingFromEnsemble) { try Translator(directories: directories, options: options) }
        let result = try NmtProcess.run(["translate", "--model", Self.general, "--model", Self.concat, "--sample", "--quiet"],
                                        stdin: Array("a\n".utf8))
        #expect(result.status == 1 && result.stderr == "nmt: error: --sample draws from one model; give one --model\n", "\(result.stderr)")
    }

    /// Models that cannot decode together: one error naming both directories and what differs.
    @Test func modelsThatDifferAreRefused() throws {
        let directory = try TemporaryDirectory()
        for (name, edit, what) in [("vocabulary", "vocab.tgt", "target vocabularies"), ("tokenizer", "config.yaml", "tokenizers")] {
            let copy = directory.path(name)
            try FileManager.default.copyItem(atPath: Self.concat, toPath: copy)
            let path = copy + "/" + edit
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = edit == "vocab.tgt" ? text.replacingOccurrences(of: "\nde\n", with: "\nzzz\n")
                                       : text.replacingOccurrences(of: "tokenizer: reversible", with: "tokenizer: moses")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try NmtProcess.run(["translate", "--model", Self.general, "--model", copy, "--quiet"], stdin: Array("a\n".utf8))
            #expect(result.status == 1 && result.stderr.contains(what) && result.stderr.contains(copy)
                    && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }
}
