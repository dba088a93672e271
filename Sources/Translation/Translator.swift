#if canImport(Glibc)
import Glibc
#endif
import Decode
import class Foundation.NSLock
import IO
import Model
import ModelFiles
import MPI
import Tensor
import Text

/// `nmt translate`'s pipeline over a model directory, raw text in, text out:
/// NFC → tokenize (the recipe's tokenizer and lowercasing) → BPE (the directory's codes) → ids →
/// decode → tokens → BPE pieces joined → detokenized.
///
/// Lines are sorted by length into batches (little padding, and short sentences finish
/// together) and put back in input order: exactly one output line per input line, an empty line
/// for an empty line. A line longer than the model's largest bucket is translated in pieces
/// (`SourcePieces`) whose translations are joined, never dropped. With `nBest`, each line gives
/// `i ||| hypothesis ||| score` lines instead (Moses' n-best format without feature scores;
/// i counts input lines from 0).
///
/// Thread-safe: calls from several threads take turns (a translator decodes with one set of
/// buffers); translators made with `init(sharing:options:)` share the parameters and decode
/// side by side.
public final class Translator: @unchecked Sendable {
    /// Serializes `translate` and `translations` (the searches' buffers, the line count).
    private let lock = NSLock()
    public let directory: ModelDirectory
    public let model: Seq2Seq
    public let parameters: ParameterStore
    /// The settings, with the recipe's defaults filled in.
    public let options: TranslationOptions
    /// What the searches are asked for.
    public let search: SearchOptions
    /// The training step of the checkpoint translating (0 when it does not say).
    public let step: Int
    /// The longest source the model was trained on (its largest bucket's source length).
    public let maximumSourceLength: Int
    /// Input lines translated so far (they number n-best lines and attention maps).
    public private(set) var linesDone = 0
    /// Sentences (pieces of lines) decoded so far.
    public private(set) var sentencesDone = 0

    /// The other models of an ensemble (`init(directories:…)`), each with its own source side.
    let members: [Member]
    /// With `options.precision` int8: each model's quantized decoder (the first model's, then the
    /// members'), shared by the translators made with `init(sharing:options:)`.
    let int8: [Int8Decoder]
    /// With int8, whether the fp32 weights the int8 ones replace were given back (the models
    /// this translator loaded itself): a translator sharing them must decode in int8 too.
    let float32Released: Bool
    let preprocessor: Preprocessor
    let postprocessor: Postprocessor
    let preprocessors: LineMapper<Preprocessor.Workspace>
    let postprocessors: LineMapper<Postprocessor.Workspace>
    let decoder: Search
    let progress: Progress

    /// Opens the model for translation.
    /// - Parameter checkpoint: nil takes `best` when there is one, else `last`.
    /// - Throws: the model directory's and checkpoint's errors; `TranslationError` for settings
    ///   that do not fit the recipe's.
    public convenience init(directory: ModelDirectory, checkpoint: ModelDirectory.CheckpointChoice? = nil,
                            options given: TranslationOptions) throws {
        let options = try Self.filled(given, recipe: directory.recipe)
        let choice = checkpoint ?? (FileSystem.exists(directory.checkpointPath(.best)) ? .best : .last)
        try Self.checkMemory(directory: directory, options: options)
        let (model, parameters, checkpoint) = try directory.load(choice)
        let step = checkpoint.integers("step")?.first.map { Int(clamping: $0) } ?? 0
        try self.init(directory: directory, model: model, parameters: parameters, step: step, filled: options, releasing: true)
    }

    /// An ensemble: the models of `directories` decode together, the mean of their
    /// log-probabilities at each step (`Ensemble`); the first model's recipe gives the decoding
    /// defaults, its tokens the attention and `--replace-unk`. Each model reads the source
    /// through its own pipeline (BPE codes, vocabulary, reversing); they must share the target
    /// vocabulary, and the tokenizer and lowercasing (so that a long line is cut into the same
    /// pieces for all).
    /// - Throws: `TranslationError.ensembleMismatch` naming the two directories that differ; the
    ///   directories' and checkpoints' errors.
    public convenience init(directories: [ModelDirectory], options given: TranslationOptions) throws {
        guard let first = directories.first else { preconditionFailure("an ensemble of no models") }
        guard directories.count > 1 else { try self.init(directory: first, options: given); return }
        if given.sampling != nil { throw TranslationError.samplingFromEnsemble }
        let options = try Self.filled(given, recipe: first.recipe)
        for directory in directories { try Self.checkEnsemble(first, directory) }
        try Self.checkMemory(directory: first, options: options, models: directories.count)
        var loaded = [(model: Seq2Seq, parameters: ParameterStore, step: Int)]()
        for directory in directories {
            let (model, parameters, checkpoint) = try directory.load(FileSystem.exists(directory.checkpointPath(.best)) ? .best : .last)
            loaded.append((model, parameters, checkpoint.integers("step")?.first.map { Int(clamping: $0) } ?? 0))
        }
        let members = try zip(directories, loaded).dropFirst().map { directory, model in
            try Member(directory: directory, model: model.model, parameters: model.parameters, threads: options.threads)
        }
        try self.init(directory: first, model: loaded[0].model, parameters: loaded[0].parameters, step: loaded[0].step,
                      filled: options, members: members, releasing: true)
    }

    /// Models an ensemble cannot join: another target vocabulary, tokenizer or lowercasing.
    private static func checkEnsemble(_ first: ModelDirectory, _ other: ModelDirectory) throws {
        if first.targetVocabulary.tokens != other.targetVocabulary.tokens {
            throw TranslationError.ensembleMismatch(first: first.path, other: other.path, what: "target vocabularies (vocab.tgt)")
        }
        if first.recipe.data.tokenizer != other.recipe.data.tokenizer || first.recipe.data.lowercase != other.recipe.data.lowercase {
            throw TranslationError.ensembleMismatch(first: first.path, other: other.path, what: "tokenizers or lowercasing (data.tokenizer, data.lowercase)")
        }
        if first.recipe.data.target != other.recipe.data.target || first.recipe.data.source != other.recipe.data.source {
            throw TranslationError.ensembleMismatch(first: first.path, other: other.path, what: "language pairs (data.src, data.tgt)")
        }
    }

    /// Another translator of `base`'s model at other settings (beam, length penalty, n-best…),
    /// sharing its parameters: one copy of the model in memory, a search workspace each. The
    /// server keeps one per settings asked for.
    /// - Throws: `TranslationError`; `MemoryError` when the workspace would not fit.
    public convenience init(sharing base: Translator, options given: TranslationOptions) throws {
        let options = try Self.filled(given, recipe: base.directory.recipe)
        if base.float32Released && options.precision != .int8 { throw TranslationError.float32Released(asked: options.precision.rawValue) }
        try Self.checkMemory(directory: base.directory, options: options)
        try self.init(directory: base.directory, model: base.model, parameters: base.parameters, step: base.step, filled: options,
                      members: base.members, int8: base.int8.isEmpty ? nil : base.int8, releasing: base.float32Released)
    }

    /// A translator of parameters that are not (or not yet) a checkpoint: `nmt train` translates
    /// the dev set with the parameters it is training (`translate(preparedSources:)`).
    /// - Throws: `TranslationError`; `MosesError` when the target language has no detokenizer.
    public convenience init(directory: ModelDirectory, model: Seq2Seq, parameters: ParameterStore, step: Int = 0,
                            options given: TranslationOptions) throws {
        try self.init(directory: directory, model: model, parameters: parameters, step: step,
                      filled: try Self.filled(given, recipe: directory.recipe))
    }

    /// - Parameter options: filled in (`filled(_:recipe:)`).
    private init(directory: ModelDirectory, model: Seq2Seq, parameters: ParameterStore, step: Int, filled options: TranslationOptions,
                 members: [Member] = [], int8: [Int8Decoder]? = nil, releasing: Bool = false) throws {
        let recipe = directory.recipe
        let beam = options.beam!
        self.options = options
        self.directory = directory
        self.model = model
        self.parameters = parameters
        self.step = step
        maximumSourceLength = Self.maximumSourceLength(recipe)
        search = SearchOptions(beam: beam, lengthPenalty: options.lengthPenalty!, maxLengthRatio: options.maxLengthRatio!,
                               nBest: options.nBest ?? 1, reverseSource: recipe.data.reverseSource)
        preprocessor = Preprocessor(tokenizer: try MosesTokenizer(language: recipe.data.source), kind: recipe.data.tokenizer,
                                    lowercase: recipe.data.lowercase, bpe: directory.codes.map { BPE(codes: $0) })
        postprocessor = Postprocessor(language: try MosesLanguage(code: recipe.data.target), kind: recipe.data.tokenizer,
                                      joinsSubwords: directory.codes != nil)
        preprocessors = LineMapper(threads: options.threads) { Preprocessor.Workspace() }
        postprocessors = LineMapper(threads: options.threads) { Postprocessor.Workspace() }
        // int8 first: the fp32 weights the int8 ones replace are given back before the searches'
        // buffers are made, so that the two are never resident together.
        let models: [(model: Seq2Seq, parameters: ParameterStore, path: String)] =
            [(model, parameters, directory.path)] + members.map { ($0.model, $0.parameters, $0.directory.path) }
        self.int8 = try Self.int8Weights(options.precision, given: int8, models: models)
        float32Released = releasing && !self.int8.isEmpty
        if float32Released { Self.releaseReplacedWeights(models.map { ($0.model, $0.parameters) }) }
        decoder = Search(model: model, parameters: parameters, batchSize: options.batchSize, beam: beam, sampling: options.sampling)
        self.members = members
        if !members.isEmpty {
            decoder.join(members.map { ($0.model, $0.parameters, $0.directory.recipe.data.reverseSource) })
        }
        if !self.int8.isEmpty { decoder.decodeInInt8(self.int8) }
        if let attention = options.attentionDirectory, options.communicator.isRoot { try FileSystem.createDirectory(attention) }
        progress = Progress("translate", unit: "sentences", quiet: options.quiet || !options.communicator.isRoot)
    }

    /// `given` with the recipe's defaults filled in.
    private static func filled(_ given: TranslationOptions, recipe: Recipe) throws -> TranslationOptions {
        var options = given
        if options.sampling != nil {
            // Sampling draws one translation a line: the recipe's beam does not apply, a given one is an error.
            if let beam = given.beam, beam > 1 { throw TranslationError.samplingWithBeam(beam: beam) }
            if given.nBest != nil { throw TranslationError.samplingWithNBest }
            options.beam = 1
        }
        options.beam = given.beam ?? options.beam ?? recipe.decode.beam
        options.lengthPenalty = given.lengthPenalty ?? recipe.decode.lengthPenalty
        options.maxLengthRatio = given.maxLengthRatio ?? recipe.decode.maxLengthRatio
        if let nBest = options.nBest, nBest > options.beam! { throw TranslationError.nBestAboveBeam(nBest: nBest, beam: options.beam!) }
        return options
    }

    private static func maximumSourceLength(_ recipe: Recipe) -> Int {
        recipe.data.buckets.map { $0[0] }.max() ?? recipe.data.maxLength
    }

    /// - Parameter models: an ensemble's count (the other models' parameters and workspaces are
    ///   counted like the first's, the process once).
    private static func checkMemory(directory: ModelDirectory, options: TranslationOptions, models: Int = 1) throws {
        let beam = options.beam!
        func bytes(alignments: Bool) -> Double {
            DecodingMemory.bytes(configuration: directory.configuration, precision: options.precision, beam: beam,
                                 batchSize: options.batchSize, maximumSourceLength: maximumSourceLength(directory.recipe),
                                 maxLengthRatio: options.maxLengthRatio!, alignments: alignments)
        }
        let needed = bytes(alignments: options.attentionDirectory != nil)
            + Double(models - 1) * (bytes(alignments: false) - DecodingMemory.processBytes)
        try MachineMemory.check(needed, for: "translate with beam \(beam) × batch \(options.batchSize)")
    }

    /// One sentence to decode: a line, or a piece of a long one.
    struct Segment {
        var line: Int             // in the block
        var tokens: Range<Int>    // of the line's source tokens
    }

    /// One translation of an input line: its text, and its score (log P / lp, summed over the
    /// line's pieces).
    public struct Output: Sendable, Equatable {
        public var text: String
        public var score: Double
        /// Output tokens (BPE pieces, before detokenizing), `<eos>` not counted.
        public var tokens: Int
        /// The best translation's attention, when asked for (`translations(_:attention:)`).
        public var attention: Attention?
    }

    /// What the search attended to for one line: a_t of each output token and of the final
    /// `<eos>` over the line's source tokens, as the model saw them (after BPE), in reading order.
    /// A line cut into pieces has each piece's rows on the diagonal (0 elsewhere).
    public struct Attention: Sendable, Equatable {
        public var sourceTokens: [String]
        /// The output tokens, then `<eos>` once per piece.
        public var targetTokens: [String]
        /// [targetTokens.count][sourceTokens.count]; each row sums to 1.
        public var weights: [[Float]]
    }

    /// Translates a block of lines (well-formed UTF-8, see `LineBuffer.repairingUTF8`), which
    /// continues the lines translated before.
    /// - Returns: the output, each line followed by `\n` (with `nBest`, the n-best lines).
    /// - Throws: `FileError` when an attention map cannot be written.
    public func translate(_ lines: LineBuffer) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let first = linesDone
        let (texts, scores, owners, _, _) = try decode(lines, attention: false)
        var output = [UInt8]()
        output.reserveCapacity(texts.bytes.count + texts.count * (options.nBest == nil ? 1 : 32))
        for k in 0..<texts.count {
            if options.nBest != nil { output.append(contentsOf: "\(first + owners[k]) ||| ".utf8) }
            texts.withLine(k) { output.append(contentsOf: $0) }
            if options.nBest != nil { output.append(contentsOf: " ||| \(Float(scores[k]))".utf8) }
            output.append(0x0A)
        }
        return output
    }

    /// The translations of each line, best first: one, or with `nBest` up to N (an empty line
    /// gets one empty translation). What a program that links the library calls.
    /// - Parameter attention: give each line's best translation its `Attention` (the search
    ///   then keeps every a_t; the translations are the same).
    public func translations(_ lines: LineBuffer, attention: Bool = false) throws -> [[Output]] {
        lock.lock()
        defer { lock.unlock() }
        let (texts, scores, owners, tokens, maps) = try decode(lines, attention: attention)
        var outputs = [[Output]](repeating: [], count: lines.count)
        for k in 0..<texts.count {
            let line = owners[k]
            outputs[line].append(Output(text: texts.withLine(k) { String(decoding: $0, as: UTF8.self) }, score: scores[k],
                                        tokens: tokens[k], attention: attention && outputs[line].isEmpty ? maps[line] : nil))
        }
        return outputs
    }

    /// The text of the best translation of each source given as ids (a prepared dev set, its
    /// tokens already through the recipe's tokenizer, BPE and source vocabulary): what `nmt train`
    /// scores dev BLEU on, and what `translate` prints for the same tokens. An empty source gives
    /// an empty line; sources are not cut into pieces (prepared ones fit the buckets).
    public func translate(preparedSources sources: [[Int32]]) -> [String] {
        precondition(members.isEmpty, "prepared sources are one model's ids")
        lock.lock()
        defer { lock.unlock() }
        var results = [[Hypothesis]](repeating: [], count: sources.count)
        decode(sources.indices.filter { !sources[$0].isEmpty }, sources: sources, keepAlignments: false, into: &results)
        let tokens = LineBuffer(lines: results.map { found in
            (found.first?.tokens ?? []).map { directory.targetVocabulary.token($0) }.joined(separator: " ")
        })
        linesDone += sources.count
        return postprocessors.map(tokens) { _, line, workspace, output in
            self.postprocessor.process(line, workspace: &workspace, into: &output)
        }.strings
    }

    /// Lines → output lines (the best, or the N best, of each), their scores and the input line
    /// each belongs to, their token counts, and with `attention` each line's `Attention`, in input order.
    private func decode(_ lines: LineBuffer, attention: Bool)
        throws -> (texts: LineBuffer, scores: [Double], owners: [Int], tokens: [Int], attention: [Attention?]) {
        let first = linesDone
        // Lines whose a_t are kept: all with `attention`, else the first `attentionLimit` with `--attention DIR`.
        func mapped(_ line: Int) -> Bool {
            attention || (options.attentionDirectory != nil && first + line < options.attentionLimit)
        }
        let tokenized = preprocessors.map(lines) { _, line, workspace, output in
            self.preprocessor.process(line, workspace: &workspace, into: &output)
        }
        // 1. Tokens, pieces and ids.
        var lineTokens = [[String]]()
        lineTokens.reserveCapacity(tokenized.count)
        var segments = [Segment]()
        var segmentsOfLine = [Range<Int>]()
        for i in 0..<tokenized.count {
            let tokens = tokenized.withLine(i) { bytes in
                bytes.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            }
            let before = segments.count
            if !tokens.isEmpty {
                for piece in SourcePieces.split(count: tokens.count, limit: maximumSourceLength,
                                                isWordEnd: { SourcePieces.endsWord(tokens[$0]) }) {
                    segments.append(Segment(line: i, tokens: piece))
                }
            }
            segmentsOfLine.append(before..<segments.count)
            lineTokens.append(tokens)
        }
        // Under mpirun every rank checks (the ranks may not share a machine) and all stop if one fails.
        try options.communicator.agree {
            guard attention || options.attentionDirectory != nil else { return }
            // A map is source × output tokens of the whole line: check it before decoding.
            for i in 0..<lines.count where mapped(i) && !lineTokens[i].isEmpty {
                let outputs = segmentsOfLine[i].reduce(0) { $0 + search.maximumTokens(sourceLength: segments[$1].tokens.count) + 1 }
                try MachineMemory.check(DecodingMemory.attentionMapBytes(source: lineTokens[i].count, target: outputs),
                                        for: "the attention map of line \(first + i + 1) (\(lineTokens[i].count) × up to \(outputs) tokens)")
            }
        }
        let vocabulary = directory.sourceVocabulary
        let sources = segments.map { segment in lineTokens[segment.line][segment.tokens].map { vocabulary.id($0) } }
        let memberSources = members.map { $0.sources(of: lines, segments: segments, primaryTokens: lineTokens) }

        // 2. Decode, longest first, the lines that get an attention map with their alignments.
        var results = [[Hypothesis]](repeating: [], count: segments.count)
        let keys = segments.indices.map { k in
            Search.sentenceKey(line: first + segments[k].line, piece: k - segmentsOfLine[segments[k].line].lowerBound)
        }
        let withAlignments = segments.indices.filter { mapped(segments[$0].line) }
        let withAlignmentsSet = Set(withAlignments)
        decode(withAlignments, sources: sources, memberSources: memberSources, keys: keys, keepAlignments: true, into: &results)
        decode(segments.indices.filter { !withAlignmentsSet.contains($0) }, sources: sources, memberSources: memberSources, keys: keys,
               keepAlignments: false, into: &results)
        // Under mpirun the other ranks hold only their share of the results: rank 0 writes the output.
        guard options.communicator.isRoot else {
            linesDone += lines.count
            return (LineBuffer(), [], [], [], [])
        }

        // 3. Output tokens → text, in input order.
        func outputTokens(_ hypothesis: Hypothesis, _ segment: Segment) -> [String] {
            hypothesis.tokens.enumerated().map { k, id in
                if options.replaceUnknown && id == Vocabulary.unkID {
                    return lineTokens[segment.line][segment.tokens.lowerBound + hypothesis.attendedSource[k]]
                }
                return directory.targetVocabulary.token(id)
            }
        }
        var tokenLines = LineBuffer()
        var scores = [Double]()
        var owners = [Int]()               // the input line of each output line
        var tokenCounts = [Int]()
        var maps = [Attention?](repeating: nil, count: attention ? lines.count : 0)
        for i in 0..<lines.count {
            let pieces = segmentsOfLine[i]
            let entries = options.nBest == nil ? 1 : max(1, pieces.map { results[$0].count }.min() ?? 1)
            for j in 0..<entries {
                let tokens = pieces.flatMap { outputTokens(results[$0][j], segments[$0]) }
                tokenLines.append(tokens.joined(separator: " ").utf8)
                scores.append(pieces.reduce(0) { $0 + results[$1][j].score })
                owners.append(i)
                tokenCounts.append(tokens.count)
            }
            guard mapped(i) else { continue }
            let (target, weights) = Self.attentionMatrix(
                source: lineTokens[i], pieces: pieces.map { (segments[$0].tokens, results[$0][0], outputTokens(results[$0][0], segments[$0])) })
            if attention {
                let width = lineTokens[i].count
                maps[i] = Attention(sourceTokens: lineTokens[i], targetTokens: pieces.isEmpty ? [Vocabulary.eos] : target,
                                    weights: pieces.isEmpty ? [[]] : (0..<target.count).map { Array(weights[($0 * width)..<(($0 + 1) * width)]) })
            }
            if let directory = options.attentionDirectory, first + i < options.attentionLimit, !pieces.isEmpty {
                try writeAttentionMap(line: first + i, into: directory, source: lineTokens[i], target: target, weights: weights)
            }
        }
        let texts = postprocessors.map(tokenLines) { _, line, workspace, output in
            self.postprocessor.process(line, workspace: &workspace, into: &output)
        }
        linesDone += lines.count
        return (texts, scores, owners, tokenCounts, maps)
    }

    /// Decodes `indices` of `sources` in batches, longest first, into `results`. Under mpirun
    /// each rank decodes its share of the batches (`ShardedBatches`) and rank 0 gathers them all.
    /// - Parameters:
    ///   - memberSources: an ensemble's other models' ids of the same sources.
    ///   - keys: each source's `Search.sentenceKey` (sampling's seeds).
    private func decode(_ indices: [Int], sources: [[Int32]], memberSources: [[[Int32]]] = [], keys: [UInt64]? = nil, keepAlignments: Bool,
                        into results: inout [[Hypothesis]]) {
        let order = Search.longestFirst(sources, indices: indices)
        var search = self.search
        search.keepAlignments = keepAlignments
        let communicator = options.communicator
        var mine = [Int]()
        for range in ShardedBatches.share(count: order.count, batchSize: options.batchSize, rank: communicator.rank, size: communicator.size) {
            let batch = Array(order[range])
            let found = decoder.translate(batch.map { sources[$0] }, memberSources: memberSources.map { member in batch.map { member[$0] } },
                                          keys: keys.map { keys in batch.map { keys[$0] } }, options: search)
            for (i, hypotheses) in zip(batch, found) { results[i] = hypotheses }
            mine += batch
            sentencesDone += batch.count
            progress.update(sentencesDone)
        }
        guard communicator.isDistributed else { return }
        let shares = communicator.gather(communicator.isRoot ? [] : ShardedBatches.encode(mine, results))
        for share in shares.dropFirst() { sentencesDone += ShardedBatches.decode(share, into: &results) }
        progress.update(sentencesDone)
    }

    /// A line's output tokens (each piece's, then `<eos>`) and its a_t, [target × source] row-major:
    /// the pieces' maps side by side on the diagonal.
    private static func attentionMatrix(source: [String], pieces: [(tokens: Range<Int>, hypothesis: Hypothesis, output: [String])])
        -> (target: [String], weights: [Float]) {
        let target = pieces.flatMap { $0.output + [Vocabulary.eos] }
        var weights = [Float](repeating: 0, count: target.count * source.count)
        var row = 0
        for piece in pieces {
            let width = piece.tokens.count, rows = piece.output.count + 1
            for t in 0..<rows {
                for s in 0..<width where piece.hypothesis.alignments.count == rows * width {
                    weights[(row + t) * source.count + piece.tokens.lowerBound + s] = piece.hypothesis.alignments[t * width + s]
                }
            }
            row += rows
        }
        return (target, weights)
    }

    /// `DIR/line-00001.svg` for line 0.
    private func writeAttentionMap(line: Int, into directory: String, source: [String], target: [String], weights: [Float]) throws {
        let number = String(line + 1)
        let name = "\(directory)/line-\(String(repeating: "0", count: max(0, 5 - number.count)))\(number).svg"
        try OutputFile.write(Array(AttentionMap.svg(source: source, target: target, weights: weights).utf8), to: name)
    }

    /// Prints the closing progress line (sentences, time, sentences/s).
    public func finish() {
        progress.finish(sentencesDone)
    }
}

/// Settings that do not fit together.
public enum TranslationError: UserError, Equatable {
    case nBestAboveBeam(nBest: Int, beam: Int)
    case ensembleMismatch(first: String, other: String, what: String)
    case samplingWithBeam(beam: Int)
    case samplingWithNBest
    case samplingFromEnsemble
    case float32Released(asked: String)

    public var description: String {
        switch self {
        case .nBestAboveBeam(let nBest, let beam):
            return "--n-best \(nBest) is larger than the beam (\(beam)); a beam of K finds at most K hypotheses (raise --beam)"
        case .ensembleMismatch(let first, let other, let what):
            return "\(first) and \(other) cannot decode as an ensemble: their \(what) differ"
        case .samplingWithBeam(let beam):
            return "--sample draws one translation a line and takes no beam (--beam \(beam)); leave --beam out or give --beam 1"
        case .samplingWithNBest:
            return "--sample draws one translation a line; it does not go with --n-best"
        case .samplingFromEnsemble:
            return "--sample draws from one model; give one --model"
        case .float32Released(let asked):
            return "--precision \(asked): this model was loaded for int8, and its fp32 decoder weights were given back; load it again"
        }
    }
}
