#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Data
import Decode
import IO
import Model
import Tensor

/// `nmt bench translate`: the peer's `translate` mode. Random U(-0.1, 0.1) weights (so the
/// outputs are arbitrary, like the peer's), the peer's batches of 64 synthetic sources, decoded by
/// greedy search (--beam 1) or beam search. One untimed batch first (the peer traces its
/// `tf.function` there; we size our buffers).
///
/// How the sentences are scheduled (random weights almost never choose `<eos>`, so this sets the
/// work): by default as `nmt translate` decodes a file of them (`--schedule translate`): sorted
/// by length into batches of 64 (longest first, as the peer's own `decode` mode sorts its file
/// too), each sentence ending after ⌈2·|x|⌉ tokens (`max_length_ratio: 2`). `--schedule peer`
/// keeps the peer's batches and gives every sentence 2 × its batch's longest source, as the
/// peer's `translate` loop runs: the same rows, step for step.
struct BenchTranslate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Time decoding of synthetic sources; print one JSON line.",
        discussion: """
            Config S: embedding 256, hidden 256, 1 layer, vocabularies 8000/8000. Config M: 512, 512, \
            2 layers, 32000/32000. Both: batch 64, general attention, input feeding, sources of 5 to \
            20 Zipfian ids. --schedule translate (default): the sentences sorted by length into \
            batches of 64, each ending with <eos> after at most ⌈2·|x|⌉ tokens, as nmt translate \
            decodes a file; --schedule peer: the peer's batches, every sentence 2 × its batch's \
            longest source, as the peer's loop runs. Prints sentences, seconds, \
            sentences_per_second and peak_rss_mb (plus the settings and the output tokens).
            """)

    @Option(name: .long, help: "Model size: S or M.")
    var config: BenchConfiguration

    @Option(name: .long, parsing: .unconditional, help: "Beam size K, \(OptionBounds.text(OptionBounds.beam)) (1: greedy).")
    var beam: Int = 5

    @Option(name: .long, parsing: .unconditional,
            help: "Sentences to translate (in batches of 64, at least one batch), \(OptionBounds.text(OptionBounds.benchSentences)).")
    var sentences: Int = 640

    @Option(name: .long, help: "translate (sorted batches, ⌈2·|x|⌉ tokens each, as nmt translate) or peer (the peer's batches and loop).")
    var schedule: Schedule = .translate

    enum Schedule: String, ExpressibleByArgument, CaseIterable { case translate, peer }

    @Option(name: .long, parsing: .unconditional, help: "BLAS threads (the peer's default is 2), at least 1, capped at the cores.")
    var threads: Int = 2

    @Option(name: .long, parsing: .unconditional, help: "Seed of the sources and the parameters, \(OptionBounds.text(OptionBounds.seed)).")
    var seed: Int = 1

    @Option(name: .long, help: Precision.help)
    var precision: Precision = .fp32

    static let batchSize = 64

    func validate() throws {
        try OptionBounds.check("--beam", beam, in: OptionBounds.beam)
        try OptionBounds.check("--sentences", sentences, in: OptionBounds.benchSentences)
        try OptionBounds.check("--threads", threads, in: OptionBounds.threads)
        try OptionBounds.check("--seed", seed, in: OptionBounds.seed)
        _ = try Precision.resolved(precision)
    }

    func run() throws {
        GEMM.threads = min(threads, ParallelLines.defaultThreads)
        let c = config, B = Self.batchSize
        let seed = UInt64(self.seed)
        let (model, store) = c.model(seed: seed, gradients: false)
        let batches = SyntheticBatches.batches(count: max(1, sentences / B), size: B, sourceVocabulary: c.vocabulary,
                                               targetVocabulary: c.vocabulary, seed: seed)
        // Sources in reading order: a batch row holds the sentence reversed after its left padding.
        let sources: [[[Int32]]] = batches.map { batch in
            (0..<batch.size).map { b in
                let S = batch.sourceLength, n = batch.sourceLength(ofSentence: b)
                return (0..<n).map { batch.source[b * S + S - 1 - $0] }
            }
        }
        var batchesToDecode = sources
        if schedule == .translate {
            let sentences = sources.flatMap { $0 }
            let order = Search.longestFirst(sentences)
            batchesToDecode = stride(from: 0, to: order.count, by: B).map { start in
                order[start..<min(start + B, order.count)].map { sentences[$0] }
            }
        }
        // int8: the weights quantized once, as `nmt translate` does at load (timed apart), and the
        // fp32 ones they replace given back before the search's buffers are made.
        let precision = try Precision.resolved(self.precision)
        var quantizeSeconds = 0.0
        var int8: Int8Decoder?
        if precision == .int8 {
            let quantizeStart = ContinuousClock.now
            guard let weights = Int8Decoder(model: model, parameters: store) else { throw Int8BenchUnavailable() }
            quantizeSeconds = BenchMeasures.seconds(quantizeStart.duration(to: .now))
            for (view, rows) in Int8Decoder.replacedWeights(model: model) { store.release(view, rows: rows) }
            int8 = weights
        }
        let search = Search(model: model, parameters: store, batchSize: B, beam: beam)
        if let int8 { search.decodeInInt8([int8]) }

        /// One batch; <eos> forced at each sentence's limit.
        func decode(_ batch: [[Int32]]) -> Int {
            let longest = batch.map(\.count).max()!
            let options = schedule == .translate ? SearchOptions(beam: beam, maxLengthRatio: 2)
                                                 : SearchOptions(beam: beam, fixedMaximumTokens: 2 * longest - 1)
            return search.translate(batch, options: options).reduce(0) { $0 + $1[0].tokens.count }
        }

        _ = decode(sources[0])
        var outputTokens = 0
        let start = ContinuousClock.now
        for batch in batchesToDecode { outputTokens += decode(batch) }
        let elapsed = start.duration(to: .now)
        let seconds = BenchMeasures.seconds(elapsed)
        let count = sources.count * B
        let fields: [(String, JSON)] = [
            ("sentences", .int(count)), ("seconds", .double(seconds)),
            ("sentences_per_second", .double(Double(count) / seconds)), ("peak_rss_mb", .double(BenchMeasures.peakResidentMegabytes())),
            ("mode", .string("translate")), ("config", .string(c.rawValue)), ("beam", .int(beam)), ("threads", .int(threads)),
            ("schedule", .string(schedule.rawValue)), ("precision", .string(precision.rawValue)),
            ("quantize_seconds", .double(quantizeSeconds)),
            ("output_tokens", .int(outputTokens)),
        ]
        try OutputFile.standardOutput.write(Array((JSON.object(fields).rendered() + "\n").utf8))
    }
}

/// oneDNN made no int8 product for the config's shapes.
struct Int8BenchUnavailable: UserError {
    var description: String { "--precision int8: oneDNN cannot make the int8 products of this config; use --precision fp32" }
}
