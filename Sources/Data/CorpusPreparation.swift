import IO
import Text

/// What `nmt prepare` does to a raw parallel corpus, and its options (`nmt prepare --help`).
public struct PrepareOptions: Sendable {
    public var sourceLanguage = "en"
    public var targetLanguage = "fr"
    /// Training pairs with more tokens than this on either side (before BPE) are dropped.
    public var maxLength = 80
    /// Training pairs whose longer side has more than this many times the tokens of the shorter are dropped.
    public var lengthRatio = 2.5
    /// Merges of the joint BPE learned on both sides of train; 0 turns BPE off.
    public var bpeMerges = 0
    public var sourceVocabularySize: Int? = nil
    public var targetVocabularySize: Int? = nil
    public var minCount = 1
    public var lowercase = false
    /// Reversible tokens (the default: translations detokenize to exactly the text a user expects)
    /// or plain Moses tokens.
    public var tokenizer = TokenizerKind.reversible
    public var threads = ParallelLines.defaultThreads
    public var quiet = false
    /// Pairs of train read, tokenized and filtered at a time (`nmt prepare --corpus` streams):
    /// what bounds the memory of a pass. It does not change the output.
    public var chunkPairs = 1 << 16

    public init() {}

    public init(sourceLanguage: String, targetLanguage: String, maxLength: Int, lengthRatio: Double = 2.5,
                bpeMerges: Int, sourceVocabularySize: Int?, targetVocabularySize: Int?, minCount: Int,
                lowercase: Bool, tokenizer: TokenizerKind, threads: Int, quiet: Bool) {
        (self.sourceLanguage, self.targetLanguage, self.maxLength, self.lengthRatio) =
            (sourceLanguage, targetLanguage, maxLength, lengthRatio)
        (self.bpeMerges, self.sourceVocabularySize, self.targetVocabularySize, self.minCount) =
            (bpeMerges, sourceVocabularySize, targetVocabularySize, minCount)
        (self.lowercase, self.tokenizer, self.threads, self.quiet) = (lowercase, tokenizer, threads, quiet)
    }

    /// Everything that changes the output, for the fingerprint that lets a re-run reuse it.
    var signature: String {
        "format=\(CorpusPreparation.formatVersion) src=\(sourceLanguage) tgt=\(targetLanguage) max=\(maxLength) "
            + "ratio=\(lengthRatio) bpe=\(bpeMerges) sv=\(sourceVocabularySize ?? -1) tv=\(targetVocabularySize ?? -1) "
            + "min=\(minCount) lower=\(lowercase) tokenizer=\(tokenizer.rawValue)"
    }
}

/// Where the raw corpus comes from.
public enum CorpusSource: Sendable {
    /// `DIR/{train,dev,test}.{src,tgt}`; dev and test may be absent (both sides).
    case directory(String)
    /// One pair of files, with `dev` and `test` pairs held out by a seeded draw.
    case files(source: String, target: String, dev: Int, test: Int)
    /// One TSV file of pairs (`TSVCorpus`), held out as `files` are.
    case tsv(String, dev: Int, test: Int)
    /// One TMX translation memory (`TMXCorpus`), held out as `files` are.
    case tmx(String, dev: Int, test: Int)
}

/// Why a training pair was dropped, in the order the filters run.
public enum DropReason: String, CaseIterable, Sendable {
    case empty, untranslated
    case tooLong = "too_long"
    case lengthRatio = "length_ratio"
    case duplicate
    case inDevOrTest = "in_dev_or_test"
}

/// `nmt prepare`: raw parallel text → tokenized, filtered, BPE-segmented files and vocabularies.
///
/// Only train is filtered: dev and test keep every line, so that a translation of `test.en` lines
/// up with the raw `test.fr` it is scored against. All outputs are written under temporary names
/// and renamed at the end, so a failed run leaves the previous result (or nothing) in place.
public enum CorpusPreparation {
    /// Bumped whenever the output for the same input and options changes.
    static let formatVersion = 1

    public struct Outcome: Sendable {
        /// The report, as written to `OUT/report.json`.
        public var report: String
        /// True when an earlier run's output was up to date and nothing was redone.
        public var reused: Bool
        /// The most train pairs held at once by a streamed preparation (0 when it read them whole).
        public var largestChunk = 0
    }

    /// - Throws: `PrepareError` for mismatched line counts or a missing side, `FileError` for
    ///   unreadable or invalid UTF-8 input, `TokenizerError` for an unsupported language.
    /// - Parameter whole: read a directory whole instead of streaming it (the tests' oracle).
    public static func run(source: CorpusSource, outputDirectory out: String, options: PrepareOptions,
                           force: Bool = false, whole: Bool = false) throws -> Outcome {
        if case .directory(let directory) = source, !whole {
            return try runStreaming(directory: directory, outputDirectory: out, options: options, force: force)
        }
        let log = Progress("prepare", quiet: options.quiet)
        let sides = [options.sourceLanguage, options.targetLanguage]
        let raw = try readSplits(source, sides: sides)
        let fingerprint = fingerprintOf(raw, options: options)
        let reportPath = out + "/report.json"
        // A run killed while writing left its temporaries behind.
        FileSystem.removeStaleTemporaries(in: out, of: possibleOutputFiles(sides: sides))
        if !force, let previous = try? FileSystem.readBytes(reportPath),
           String(decoding: previous, as: UTF8.self).contains("\"fingerprint\": \"\(fingerprint)\""),
           outputFiles(raw.splits.map(\.split), sides: sides, bpe: options.bpeMerges > 0).allSatisfy({ FileSystem.exists(out + "/" + $0) }) {
            log.note("\(out) is up to date (same input and options); nothing to do")
            return Outcome(report: String(decoding: previous, as: UTF8.self), reused: true)
        }

        let preprocessors = try sides.map {
            Preprocessor(tokenizer: try MosesTokenizer(language: $0), kind: options.tokenizer, lowercase: options.lowercase)
        }
        // 1. Normalize and tokenize every side of every split.
        var tokenized: [(split: String, sides: [LineBuffer])] = []
        for (split, lines) in raw.splits {
            let step = Progress("prepare: tokenize \(split)", unit: "lines", quiet: options.quiet)
            let result = zip(preprocessors, lines).map { $0.process($1, threads: options.threads) }
            step.finish(result[0].count * 2)
            tokenized.append((split, result))
        }
        // 2. Filter train.
        var held = Set<String>()
        for (split, lines) in tokenized where split != "train" {
            held.formUnion(lines[0].strings.map { comparisonKey($0, options.tokenizer) })
        }
        var statistics: [String: SplitStatistics] = [:]
        for i in tokenized.indices where tokenized[i].split == "train" {
            let (kept, dropped) = filter(tokenized[i].sides[0], tokenized[i].sides[1], heldOut: held, options: options)
            statistics["train"] = SplitStatistics(read: tokenized[i].sides[0].count, dropped: dropped)
            tokenized[i].sides = kept
        }
        // 3. Joint BPE learned on both sides of (filtered) train, applied to every split.
        var codes: BPECodes? = nil
        if options.bpeMerges > 0, let train = tokenized.first(where: { $0.split == "train" }) {
            let step = Progress("prepare: learn BPE", unit: "merges", quiet: options.quiet)
            let learned = BPELearner.learn(from: train.sides, merges: options.bpeMerges)
            step.finish(learned.merges.count)
            let bpe = BPE(codes: learned)
            let apply = Progress("prepare: apply BPE", unit: "lines", quiet: options.quiet)
            var applied = 0
            let mapper = LineMapper(threads: options.threads) { BPE.Cache() }   // caches warm across splits
            for i in tokenized.indices {
                tokenized[i].sides = tokenized[i].sides.map { lines in
                    applied += lines.count
                    return mapper.map(lines) { _, line, cache, output in bpe.apply(line, cache: &cache, into: &output) }
                }
            }
            apply.finish(applied)
            codes = learned
        }
        // 4. Vocabularies from train.
        var vocabularies: [Vocabulary] = []
        if let train = tokenized.first(where: { $0.split == "train" }) {
            for (side, size) in zip(train.sides, [options.sourceVocabularySize, options.targetVocabularySize]) {
                var counts = TokenCounts()
                counts.add(side)
                vocabularies.append(Vocabulary(counts: counts, size: size, minCount: options.minCount))
            }
        }
        // 5. Write everything under temporary names, then rename.
        try FileSystem.createDirectory(out)
        var files: [(name: String, bytes: [UInt8])] = []
        for (split, lines) in tokenized {
            for (side, language) in zip(lines, sides) { files.append(("\(split).\(language)", side.fileContents())) }
            if statistics[split] == nil { statistics[split] = SplitStatistics(read: lines[0].count, dropped: [:]) }
            statistics[split]!.sourceTokens = tokenCount(lines[0])
            statistics[split]!.targetTokens = tokenCount(lines[1])
            statistics[split]!.kept = lines[0].count
        }
        for (vocabulary, language) in zip(vocabularies, sides) { files.append(("vocab.\(language)", vocabulary.fileContents())) }
        if let codes { files.append(("bpe.codes", codes.fileContents())) }
        let report = makeReport(options: options, statistics: statistics, order: raw.splits.map(\.split),
                                codes: codes, vocabularies: vocabularies, fingerprint: fingerprint, input: raw.input)
        let reportText = report.rendered(indent: 2) + "\n"
        files.append(("report.json", Array(reportText.utf8)))
        var written: [OutputFile] = []
        if let train = tokenized.first(where: { $0.split == "train" }) {
            let writer = try MappedCorpusWriter(directory: out, pairs: train.sides[0].count, sourceVocabulary: vocabularies[0],
                                                targetVocabulary: vocabularies[1],
                                                sourceTextBytes: train.sides[0].bytes.count + train.sides[0].count,
                                                targetTextBytes: train.sides[1].bytes.count + train.sides[1].count)
            try writer.add(source: train.sides[0], target: train.sides[1])
            written.append(try writer.finish())
        }
        try writeAll(files, to: out, committingFirst: written)
        if codes == nil { FileSystem.removeIfPresent(out + "/bpe.codes") }
        log.note("wrote \(out) in \(Progress.duration(log.elapsed))")
        return Outcome(report: reportText, reused: false)
    }

    // MARK: - Reading

    struct RawSplits {
        var splits: [(split: String, lines: [LineBuffer])]
        var paths: [String]
        /// For a TSV or TMX corpus: its format and malformed entries (its text is in `splits`).
        var input: PairFile? = nil
    }

    static func readSplits(_ source: CorpusSource, sides: [String]) throws -> RawSplits {
        switch source {
        case .directory(let directory):
            guard FileSystem.isDirectory(directory) else {
                throw FileSystem.exists(directory) ? PrepareError.notADirectory(path: directory)
                                                   : FileError.notFound(path: directory)
            }
            var splits: [(String, [LineBuffer])] = []
            var paths: [String] = []
            for split in CorpusSplit.allCases.map(\.rawValue) {
                let pair = sides.map { "\(directory)/\(split).\($0)" }
                let present = pair.map(FileSystem.exists)
                if split != "train" && !present[0] && !present[1] { continue }
                for (path, exists) in zip(pair, present) where !exists { throw FileError.notFound(path: path) }
                splits.append((split, try readPair(pair[0], pair[1])))
                paths += pair
            }
            return RawSplits(splits: splits, paths: paths)
        case .files(let sourcePath, let targetPath, let dev, let test):
            let both = try readPair(sourcePath, targetPath)
            return RawSplits(splits: try heldOut(both, dev: dev, test: test, path: sourcePath),
                             paths: [sourcePath, targetPath, "split=\(dev),\(test)"])
        case .tsv(let path, let dev, let test), .tmx(let path, let dev, let test):
            let pairs: PairFile
            if case .tsv = source {
                pairs = try TSVCorpus.read(path)
            } else {
                pairs = try TMXCorpus.read(path, source: sides[0], target: sides[1])
            }
            var raw = RawSplits(splits: try heldOut([pairs.source, pairs.target], dev: dev, test: test, path: path),
                                paths: [path, "split=\(dev),\(test)"])
            raw.input = pairs
            raw.input!.source = LineBuffer()     // the splits hold the text
            raw.input!.target = LineBuffer()
            return raw
        }
    }

    /// Splits the pairs of one corpus into train, dev (`dev` pairs) and test (`test` pairs) by a
    /// seeded draw, so the same pairs always give the same splits.
    static func heldOut(_ both: [LineBuffer], dev: Int, test: Int, path: String) throws -> [(split: String, lines: [LineBuffer])] {
        let total = both[0].count
        guard dev + test < total else {
            throw PrepareError.splitTooLarge(path: path, lines: total, heldOut: dev + test)
        }
        var random = SplitMix64(seed: 1)
        let order = random.permutation(of: total)
        var assignment = [UInt8](repeating: 0, count: total)
        for i in order[0..<dev] { assignment[i] = 1 }
        for i in order[dev..<(dev + test)] { assignment[i] = 2 }
        var splits: [(String, [LineBuffer])] = []
        for (code, split) in ["train", "dev", "test"].enumerated() where code == 0 || (code == 1 ? dev : test) > 0 {
            splits.append((split, both.map { side in
                var lines = LineBuffer()
                for i in 0..<total where assignment[i] == code { side.withLine(i) { lines.append($0) } }
                return lines
            }))
        }
        return splits
    }

    /// Reads the two sides of a split; they must be valid UTF-8 and have the same number of lines.
    static func readPair(_ sourcePath: String, _ targetPath: String) throws -> [LineBuffer] {
        let pair = [try FileSystem.readLines(sourcePath), try FileSystem.readLines(targetPath)]
        guard pair[0].count == pair[1].count else {
            throw PrepareError.lineCountMismatch(source: sourcePath, sourceLines: pair[0].count,
                                                 target: targetPath, targetLines: pair[1].count)
        }
        for (lines, path) in zip(pair, [sourcePath, targetPath]) {
            for i in 0..<lines.count where !lines.withLine(i, { UTF8Repair.isValid($0) }) {
                throw FileError.invalidUTF8(path: path, line: i + 1)
            }
        }
        return pair
    }

    /// Every name `run` may write, whichever splits the corpus has.
    static func possibleOutputFiles(sides: [String]) -> [String] {
        CorpusSplit.allCases.flatMap { split in sides.map { "\(split.rawValue).\($0)" } } + sides.map { "vocab.\($0)" }
            + ["bpe.codes", MappedCorpus.fileName, "report.json"]
    }

    static func outputFiles(_ splits: [String], sides: [String], bpe: Bool) -> [String] {
        splits.flatMap { split in sides.map { "\(split).\($0)" } } + sides.map { "vocab.\($0)" }
            + (bpe ? ["bpe.codes"] : []) + [MappedCorpus.fileName, "report.json"]
    }

    /// FNV-1a over the options and every input byte: equal fingerprints mean the output would be equal.
    static func fingerprintOf(_ raw: RawSplits, options: PrepareOptions) -> String {
        var hash = FNV1a()
        hash.add(Array(options.signature.utf8))
        if let input = raw.input {
            // The report lists the malformed entries: a corpus read from another format is another report.
            hash.add(Array("\(input.format) \(input.malformed.counts.map { "\($0.reason)=\($0.count)" })".utf8))
        }
        for (split, lines) in raw.splits {
            hash.add(Array(split.utf8))
            for side in lines {
                hash.add(side.bytes)
                side.ends.withUnsafeBytes { hash.add($0) }
            }
        }
        return hash.hex
    }

    // MARK: - Filtering

    struct SplitStatistics {
        var read: Int
        var kept = 0
        var dropped: [DropReason: Int]
        var sourceTokens = 0
        var targetTokens = 0
    }

    /// The text two lines are compared by for the untranslated, duplicate and held-out filters:
    /// reversible tokens without their joiners and escapes, so that pairs differing only in spacing
    /// (a no-break space before `:`) count as equal, as they do in Moses mode.
    static func comparisonKey(_ line: String, _ tokenizer: TokenizerKind) -> String {
        tokenizer == .reversible ? ReversibleFormat.mosesTokens(line).joined(separator: " ") : line
    }

    /// Applies the training filters in `DropReason` order; a pair is counted under the first that drops it.
    static func filter(_ source: LineBuffer, _ target: LineBuffer, heldOut: Set<String>,
                       options: PrepareOptions) -> (kept: [LineBuffer], dropped: [DropReason: Int]) {
        var filter = PairFilter(options: options, heldOut: heldOut)
        let kept = filter.filter(source, target)
        return ([kept.source, kept.target], filter.dropped)
    }

    static func tokenCount(_ lines: LineBuffer) -> Int {
        var count = 0
        for i in 0..<lines.count {
            lines.withLine(i) { line in
                guard !line.isEmpty else { return }
                count += 1
                for byte in line where byte == 0x20 { count += 1 }
            }
        }
        return count
    }

    // MARK: - Writing

    static func makeReport(options: PrepareOptions, statistics: [String: SplitStatistics], order: [String],
                           codes: BPECodes?, vocabularies: [Vocabulary], fingerprint: String, input: PairFile? = nil) -> JSON {
        let sides = [options.sourceLanguage, options.targetLanguage]
        let splits: [(String, JSON)] = order.map { split in
            let s = statistics[split]!
            var members: [(String, JSON)] = [("read", .int(s.read)), ("kept", .int(s.kept))]
            if split == "train" {
                members.append(("dropped", .object(DropReason.allCases.map { ($0.rawValue, .int(s.dropped[$0] ?? 0)) })))
            }
            members.append(("\(sides[0])_tokens", .int(s.sourceTokens)))
            members.append(("\(sides[1])_tokens", .int(s.targetTokens)))
            return (split, .object(members))
        }
        var inputMembers: [(String, JSON)] = []
        if let input {
            // Pairs read = the splits' reads; each entry that gave none, by reason.
            let pairs = order.reduce(0) { $0 + statistics[$1]!.read }
            inputMembers = [("input", .object([
                ("format", .string(input.format)),
                ("pairs", .int(pairs)),
                ("malformed", .object(input.malformed.counts.map { ($0.reason, .int($0.count)) })),
                ("malformed_total", .int(input.malformed.total)),
            ]))]
        }
        return .object(inputMembers + [
            ("source_language", .string(sides[0])),
            ("target_language", .string(sides[1])),
            ("tokenizer", .string(options.tokenizer.rawValue)),
            ("lowercase", .bool(options.lowercase)),
            ("max_length", .int(options.maxLength)),
            ("length_ratio", .double(options.lengthRatio)),
            ("bpe_merges_requested", .int(options.bpeMerges)),
            ("bpe_merges", .int(codes?.merges.count ?? 0)),
            ("splits", .object(splits)),
            ("vocabulary", .object(zip(sides, vocabularies).map { ($0, .int($1.count)) })),
            ("fingerprint", .string(fingerprint)),
        ])
    }

    /// Writes every file (through `OutputFile`, under a temporary name where it is a regular file)
    /// and closes it; renames only once all are written. An error before then leaves every old
    /// file as it was (the outputs released uncommitted remove their temporaries).
    /// `committingFirst`: outputs already written and closed (streamed train text, `train.ids`).
    static func writeAll(_ files: [(name: String, bytes: [UInt8])], to directory: String,
                         committingFirst written: [OutputFile] = []) throws {
        var outputs = written
        for file in files {
            let output = try OutputFile(directory + "/" + file.name)
            outputs.append(output)
            try output.write(file.bytes)
            try output.close()
        }
        // report.json last: its fingerprint vouches for the files renamed before it.
        for output in outputs { try output.commit() }
    }
}

/// Errors of `nmt prepare` that are about the input corpus.
public enum PrepareError: UserError, Equatable {
    case lineCountMismatch(source: String, sourceLines: Int, target: String, targetLines: Int)
    case notADirectory(path: String)
    case splitTooLarge(path: String, lines: Int, heldOut: Int)

    public var description: String {
        switch self {
        case .lineCountMismatch(let source, let sourceLines, let target, let targetLines):
            return "\(source) has \(sourceLines) lines but \(target) has \(targetLines); the two sides of a parallel corpus must have the same number of lines"
        case .notADirectory(let path):
            return "\(path): not a directory (--corpus takes a directory holding train.SRC and train.TGT)"
        case .splitTooLarge(let path, let lines, let heldOut):
            return "\(path): has \(lines) lines, too few to hold out \(heldOut) for dev and test"
        }
    }
}
