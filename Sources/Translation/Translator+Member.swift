import IO
import Model
import ModelFiles
import Tensor
import Text

extension Translator {
    /// A model of an ensemble besides the first: its parameters and its own source side
    /// (tokenizer, BPE codes, vocabulary).
    struct Member: @unchecked Sendable {
        let directory: ModelDirectory
        let model: Seq2Seq
        let parameters: ParameterStore
        let preprocessor: Preprocessor
        let preprocessors: LineMapper<Preprocessor.Workspace>

        init(directory: ModelDirectory, model: Seq2Seq, parameters: ParameterStore, threads: Int) throws {
            let recipe = directory.recipe
            self.directory = directory
            self.model = model
            self.parameters = parameters
            preprocessor = Preprocessor(tokenizer: try MosesTokenizer(language: recipe.data.source), kind: recipe.data.tokenizer,
                                        lowercase: recipe.data.lowercase, bpe: directory.codes.map { BPE(codes: $0) })
            preprocessors = LineMapper(threads: threads) { Preprocessor.Workspace() }
        }

        /// This model's ids of each segment the first model decodes. A line cut into pieces is
        /// cut here at the same words: piece i holds the words that start in the first model's
        /// piece i (the models share the tokenizer, so the words are the same; they differ in
        /// BPE). Where the words do not line up, every piece gets the whole line.
        func sources(of lines: LineBuffer, segments: [Segment], primaryTokens: [[String]]) -> [[Int32]] {
            let tokenized = preprocessors.map(lines) { _, line, workspace, output in
                preprocessor.process(line, workspace: &workspace, into: &output)
            }
            let tokens = (0..<tokenized.count).map { i in
                tokenized.withLine(i) { $0.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) } }
            }
            let vocabulary = directory.sourceVocabulary
            /// wordsBefore[i]: words ended by tokens[0..<i].
            func wordsBefore(_ tokens: [String]) -> [Int] {
                var counts = [0]
                for token in tokens { counts.append(counts.last! + (SourcePieces.endsWord(token) ? 1 : 0)) }
                return counts
            }
            var sources = [[Int32]]()
            sources.reserveCapacity(segments.count)
            var cache: (line: Int, primary: [Int], member: [Int])?
            for (k, segment) in segments.enumerated() {
                let line = tokens[segment.line]
                let wholeLine = segment.tokens.lowerBound == 0 && segment.tokens.upperBound == primaryTokens[segment.line].count
                if wholeLine {
                    sources.append(line.map { vocabulary.id($0) })
                    continue
                }
                if cache?.line != segment.line {
                    cache = (segment.line, wordsBefore(primaryTokens[segment.line]), wordsBefore(line))
                }
                let primary = cache!.primary, member = cache!.member
                guard primary.last == member.last else {
                    sources.append(line.map { vocabulary.id($0) })
                    continue
                }
                let isLast = k + 1 == segments.count || segments[k + 1].line != segment.line
                let firstWord = primary[segment.tokens.lowerBound]
                let endWord = isLast ? member.last! + 1 : primary[segment.tokens.upperBound]
                // Tokens of words firstWord..<endWord: from the token after the firstWord-th word end.
                var start = member.firstIndex(of: firstWord)!
                var end = isLast ? line.count : member.firstIndex(of: endWord).map { $0 } ?? line.count
                if start >= end {
                    // The piece lies inside one long word: give it that word.
                    start = min(start, max(0, line.count - 1))
                    end = min(line.count, (member.firstIndex(of: firstWord + 1) ?? line.count))
                    if start >= end { end = min(line.count, start + 1) }
                }
                sources.append(line[start..<end].map { vocabulary.id($0) })
            }
            return sources
        }
    }
}
