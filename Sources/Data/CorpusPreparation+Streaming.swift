import IO
import Text

/// `nmt prepare --corpus DIR` in bounded memory: train is read, tokenized, filtered and written a
/// chunk of `PrepareOptions.chunkPairs` pairs at a time, in passes over files, with the same
/// output, byte for byte, as preparing it whole (`CorpusPreparation.run` on the other sources).
///
/// Memory: one chunk (and a 4 MB read block per side) at a time, plus what grows with the corpus
/// only through its statistics: 8 bytes a distinct kept pair for the duplicate filter
/// (`PairFilter`), the distinct words for BPE (`BPEWordCounts`) and the distinct tokens for the
/// vocabularies (`TokenCounts`). Dev and test are held whole, as they are small and unfiltered.
///
/// Passes over train: (0) two reads of each file to check it and fingerprint it, as `readPair`
/// and `fingerprintOf` do for a whole file; (1) tokenize and filter, writing the kept pairs (to
/// the output, or with BPE to a scratch file) and counting words; (2) with BPE, apply it to the
/// scratch file, writing the output and counting tokens; (3) the output read back into `train.ids`.
extension CorpusPreparation {
    static func runStreaming(directory: String, outputDirectory out: String, options: PrepareOptions,
                             force: Bool) throws -> Outcome {
        let log = Progress("prepare", quiet: options.quiet)
        let sides = [options.sourceLanguage, options.targetLanguage]
        let splits = try splitPaths(directory, sides: sides)

        // 0. Check and fingerprint every file, as reading it whole would.
        var hash = FNV1a()
        hash.add(Array(options.signature.utf8))
        for (split, paths) in splits {
            hash.add(Array(split.utf8))
            try checkPair(paths, hash: &hash)
        }
        let fingerprint = hash.hex
        let reportPath = out + "/report.json"
        FileSystem.removeStaleTemporaries(in: out, of: possibleOutputFiles(sides: sides))
        let expected = outputFiles(splits.map(\.split), sides: sides, bpe: options.bpeMerges > 0)
        if !force, let previous = try? FileSystem.readBytes(reportPath),
           String(decoding: previous, as: UTF8.self).contains("\"fingerprint\": \"\(fingerprint)\""),
           expected.allSatisfy({ FileSystem.exists(out + "/" + $0) }) {
            log.note("\(out) is up to date (same input and options); nothing to do")
            return Outcome(report: String(decoding: previous, as: UTF8.self), reused: true)
        }
        let preprocessors = try sides.map {
            Preprocessor(tokenizer: try MosesTokenizer(language: $0), kind: options.tokenizer, lowercase: options.lowercase)
        }

        // Dev and test, whole: their sources are what train's `in_dev_or_test` filter compares with.
        var heldSplits: [(split: String, sides: [LineBuffer])] = []
        for (split, paths) in splits where split != "train" {
            let raw = try readPair(paths[0], paths[1])
            let step = Progress("prepare: tokenize \(split)", unit: "lines", quiet: options.quiet)
            heldSplits.append((split, zip(preprocessors, raw).map { $0.process($1, threads: options.threads) }))
            step.finish(raw[0].count * 2)
        }
        var heldOut = Set<String>()
        for (_, lines) in heldSplits { heldOut.formUnion(lines[0].strings.map { comparisonKey($0, options.tokenizer) }) }

        // 1. Train: tokenize and filter a chunk at a time.
        try FileSystem.createDirectory(out)
        let trainPaths = splits.first { $0.split == "train" }!.paths
        let bpeOn = options.bpeMerges > 0
        let trainOutputs = try sides.map { try OutputFile("\(out)/train.\($0)") }
        var final = FinalTrainText(outputs: trainOutputs)
        let tokenized = bpeOn ? try sides.map { try ScratchFile(directory: out, name: "train.\($0).tokenized") } : []
        var words = BPEWordCounts(files: 2)
        var filter = PairFilter(options: options, heldOut: heldOut)
        var largestChunk = 0
        do {
            var stream = PairedLineStream(source: try LineFile(trainPaths[0]), target: try LineFile(trainPaths[1]),
                                          chunkPairs: options.chunkPairs)
            let step = Progress("prepare: tokenize and filter train", unit: "pairs", quiet: options.quiet)
            while let chunk = try stream.next() {
                let kept = filter.filter(preprocessors[0].process(chunk.source, threads: options.threads),
                                         preprocessors[1].process(chunk.target, threads: options.threads))
                if bpeOn {
                    words.add(kept.source, file: 0)
                    words.add(kept.target, file: 1)
                    try tokenized[0].write(kept.source.fileContents())
                    try tokenized[1].write(kept.target.fileContents())
                } else {
                    try final.add(kept.source, kept.target)
                }
                step.update(filter.read)
            }
            step.finish(filter.read, note: "\(Progress.group(filter.read - filter.dropped.values.reduce(0, +))) kept")
            largestChunk = stream.largestChunk
        }

        // 2. Joint BPE from the word counts, applied to the kept pairs and to dev and test.
        var codes: BPECodes? = nil
        if bpeOn {
            let step = Progress("prepare: learn BPE", unit: "merges", quiet: options.quiet)
            let learned = BPELearner.learn(from: words, merges: options.bpeMerges)
            step.finish(learned.merges.count, note: "from \(Progress.group(words.distinctWords)) distinct words")
            words = BPEWordCounts(files: 0)
            let bpe = BPE(codes: learned)
            let apply = Progress("prepare: apply BPE", unit: "lines", quiet: options.quiet)
            let mapper = LineMapper(threads: options.threads) { BPE.Cache() }   // caches warm across splits
            func segmented(_ lines: LineBuffer) -> LineBuffer {
                mapper.map(lines) { _, line, cache, output in bpe.apply(line, cache: &cache, into: &output) }
            }
            var stream = PairedLineStream(source: try tokenized[0].lines(), target: try tokenized[1].lines(),
                                          chunkPairs: options.chunkPairs)
            while let chunk = try stream.next() {
                try final.add(segmented(chunk.source), segmented(chunk.target))
                apply.update(2 * final.pairs)
            }
            largestChunk = max(largestChunk, stream.largestChunk)
            for i in heldSplits.indices { heldSplits[i].sides = heldSplits[i].sides.map(segmented) }
            apply.finish(2 * final.pairs + heldSplits.reduce(0) { $0 + 2 * $1.sides[0].count })
            codes = learned
        }
        for output in trainOutputs { try output.close() }

        // Vocabularies from train; the report's counts.
        let vocabularies = zip(final.counts, [options.sourceVocabularySize, options.targetVocabularySize]).map {
            Vocabulary(counts: $0, size: $1, minCount: options.minCount)
        }
        var statistics: [String: SplitStatistics] = [:]
        statistics["train"] = SplitStatistics(read: filter.read, kept: final.pairs, dropped: filter.dropped,
                                              sourceTokens: final.tokens[0], targetTokens: final.tokens[1])
        var files: [(name: String, bytes: [UInt8])] = []
        for (split, lines) in heldSplits {
            for (side, language) in zip(lines, sides) { files.append(("\(split).\(language)", side.fileContents())) }
            statistics[split] = SplitStatistics(read: lines[0].count, kept: lines[0].count, dropped: [:],
                                                sourceTokens: tokenCount(lines[0]), targetTokens: tokenCount(lines[1]))
        }
        for (vocabulary, language) in zip(vocabularies, sides) { files.append(("vocab.\(language)", vocabulary.fileContents())) }
        if let codes { files.append(("bpe.codes", codes.fileContents())) }
        let report = makeReport(options: options, statistics: statistics, order: splits.map(\.split),
                                codes: codes, vocabularies: vocabularies, fingerprint: fingerprint)
        let reportText = report.rendered(indent: 2) + "\n"
        files.append(("report.json", Array(reportText.utf8)))

        // 3. train.ids from the train text just written.
        var written = trainOutputs
        if let ids = try writeIDs(trainOutputs, pairs: final.pairs, textBytes: final.bytes, directory: out,
                                  vocabularies: vocabularies, chunkPairs: options.chunkPairs, quiet: options.quiet) {
            written.append(ids)
        }
        try writeAll(files, to: out, committingFirst: written)
        if codes == nil { FileSystem.removeIfPresent(out + "/bpe.codes") }
        log.note("wrote \(out) in \(Progress.duration(log.elapsed))")
        return Outcome(report: reportText, reused: false, largestChunk: largestChunk)
    }

    /// `DIR/{train,dev,test}.{src,tgt}` that are there (dev and test may be absent, both sides).
    /// - Throws: as `readSplits`, for a missing directory or a split with one side missing.
    static func splitPaths(_ directory: String, sides: [String]) throws -> [(split: String, paths: [String])] {
        guard FileSystem.isDirectory(directory) else {
            throw FileSystem.exists(directory) ? PrepareError.notADirectory(path: directory)
                                               : FileError.notFound(path: directory)
        }
        var splits: [(String, [String])] = []
        for split in CorpusSplit.allCases.map(\.rawValue) {
            let pair = sides.map { "\(directory)/\(split).\($0)" }
            let present = pair.map(FileSystem.exists)
            if split != "train" && !present[0] && !present[1] { continue }
            for (path, exists) in zip(pair, present) where !exists { throw FileError.notFound(path: path) }
            splits.append((split, pair))
        }
        return splits
    }

    /// Reads both files of a pair a block at a time and checks them as `readPair` does (same
    /// line counts, valid UTF-8, the same errors in the same order), folding into `hash` what
    /// `fingerprintOf` folds for them: each side's line bytes, then its line ends.
    static func checkPair(_ paths: [String], hash: inout FNV1a) throws {
        var lines = [0, 0]
        var invalid: [Int?] = [nil, nil]
        for side in 0..<2 {
            let file = try LineFile(paths[side])
            while let block = try file.next() {
                hash.add(block.bytes)
                if invalid[side] == nil, let i = (0..<block.count).first(where: { !block.withLine($0, { UTF8Repair.isValid($0) }) }) {
                    invalid[side] = lines[side] + i + 1
                }
                lines[side] += block.count
            }
            // The ends are hashed after all the bytes, so the file is read a second time.
            let again = try LineFile(paths[side])
            var base = 0
            while let block = try again.next() {
                let ends = block.ends.map { $0 + base }
                ends.withUnsafeBytes { hash.add($0) }
                base = ends.last ?? base
            }
        }
        guard lines[0] == lines[1] else {
            throw PrepareError.lineCountMismatch(source: paths[0], sourceLines: lines[0], target: paths[1], targetLines: lines[1])
        }
        for side in 0..<2 { if let line = invalid[side] { throw FileError.invalidUTF8(path: paths[side], line: line) } }
    }

    /// Writes `train.ids` from the train text in `outputs` (closed, not yet committed), read back
    /// a chunk at a time. Nil when an output is not a regular file (a FIFO): training then reads text.
    static func writeIDs(_ outputs: [OutputFile], pairs: Int, textBytes: [Int], directory: String,
                         vocabularies: [Vocabulary], chunkPairs: Int, quiet: Bool) throws -> OutputFile? {
        guard let source = outputs[0].temporaryPath, let target = outputs[1].temporaryPath else { return nil }
        let step = Progress("prepare: write \(MappedCorpus.fileName)", unit: "pairs", quiet: quiet)
        let writer = try MappedCorpusWriter(directory: directory, pairs: pairs, sourceVocabulary: vocabularies[0],
                                            targetVocabulary: vocabularies[1], sourceTextBytes: textBytes[0],
                                            targetTextBytes: textBytes[1])
        var stream = PairedLineStream(source: try LineFile(source), target: try LineFile(target), chunkPairs: chunkPairs)
        var done = 0
        while let chunk = try stream.next() {
            try writer.add(source: chunk.source, target: chunk.target)
            done += chunk.source.count
            step.update(done)
        }
        step.finish(done)
        return try writer.finish()
    }
}

/// The train text as it is written: the two outputs, and the counts the vocabularies and the
/// report need.
struct FinalTrainText {
    let outputs: [OutputFile]
    var counts = [TokenCounts(), TokenCounts()]
    var tokens = [0, 0]
    var bytes = [0, 0]
    var pairs = 0

    init(outputs: [OutputFile]) { self.outputs = outputs }

    mutating func add(_ source: LineBuffer, _ target: LineBuffer) throws {
        for (side, lines) in [source, target].enumerated() {
            let contents = lines.fileContents()
            try outputs[side].write(contents)
            bytes[side] += contents.count
            tokens[side] += CorpusPreparation.tokenCount(lines)
            counts[side].add(lines)
        }
        pairs += source.count
    }
}
