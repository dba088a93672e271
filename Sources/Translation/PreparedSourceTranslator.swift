import Decode
import IO
import Model
import ModelFiles
import Tensor
import Text

/// Greedy translations of sources that are already ids (a prepared dev set) into text, as `nmt
/// translate --beam 1` prints them: what `nmt train` scores dev BLEU on (`Trainer` makes one).
public struct PreparedSourceTranslator: Sendable {
    let targetVocabulary: Vocabulary
    let postprocessor: Postprocessor
    let search: SearchOptions
    let batchSize: Int
    let threads: Int

    /// - Throws: `MosesError` when the recipe's target language has no detokenizer.
    public init(directory: ModelDirectory, batchSize: Int = 64, threads: Int = ParallelLines.defaultThreads) throws {
        let recipe = directory.recipe
        targetVocabulary = directory.targetVocabulary
        postprocessor = Postprocessor(language: try MosesLanguage(code: recipe.data.target), kind: recipe.data.tokenizer,
                                      joinsSubwords: directory.codes != nil)
        search = SearchOptions(beam: 1, maxLengthRatio: recipe.decode.maxLengthRatio, reverseSource: recipe.data.reverseSource)
        self.batchSize = batchSize
        self.threads = threads
    }

    /// The text of each source's greedy translation (sources sorted by length into batches, the
    /// results in the given order; an empty source gives an empty line).
    public func translate(model: Seq2Seq, parameters: ParameterStore, sources: [[Int32]]) -> [String] {
        let order = Search.longestFirst(sources)
        let found = GreedySearch(model: model, parameters: parameters, batchSize: batchSize)
            .translate(order.map { sources[$0] }, options: search)
        var tokens = [String](repeating: "", count: sources.count)
        for (i, hypothesis) in zip(order, found) {
            tokens[i] = hypothesis.tokens.map { targetVocabulary.token($0) }.joined(separator: " ")
        }
        return ParallelLines.map(LineBuffer(lines: tokens), threads: threads, makeState: { Postprocessor.Workspace() }) {
            _, line, workspace, output in postprocessor.process(line, workspace: &workspace, into: &output)
        }.strings
    }
}
