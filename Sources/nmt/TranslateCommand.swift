import ArgumentParser
import Decode
import IO
import ModelFiles
import MPI
import Tensor
import Translation

/// `nmt translate`: raw text in, translated text out, with a trained model directory.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate raw text with a trained model (standard input to standard output by default).",
        discussion: """
            Each input line goes through the model's own pipeline (NFC, the recipe's tokenizer and \
            lowercasing, its BPE codes), is decoded, and comes out detokenized: exactly one output \
            line per input line, in order, an empty line for an empty line. A line longer than \
            the model's largest bucket is translated in pieces whose translations are joined. \
            Invalid UTF-8 bytes are replaced by U+FFFD and reported once with their line numbers.

            --beam 1 is greedy decoding; a larger beam keeps K hypotheses per sentence and ranks \
            finished ones by log P / lp with the GNMT length penalty lp = ((5 + |Y|) / 6)^α \
            (--length-penalty α; 0 ranks by log-probability alone). An output has at most \
            ⌈R·|x|⌉ tokens (--max-length-ratio R, |x| the source's tokens after BPE). Defaults \
            come from the recipe's decode section. --n-best N prints the N best of each line as \
            'i ||| translation ||| score' (i from 0), N at most the beam: at most N, since the \
            search returns only the hypotheses it finished, and stops once no open hypothesis \
            can beat the best finished one (a line cut into pieces gets as many as its poorest \
            piece). Every number has a range, given below; the memory a decode needs (K × \
            batch rows, each with the vocabulary's logits) is checked against the machine's \
            (MemTotal, a cgroup limit, NMT_MEMORY_LIMIT) before the model is loaded. --replace-unk copies, for each <unk> of the \
            output, the source token it attends to most. --attention DIR writes an SVG heatmap of \
            the attention for each of the first --attention-limit lines (DIR/line-00001.svg, …).

            --sample draws each token from softmax(logits / T) instead of searching (tensorflow/nmt's \
            infer_mode=sample), for varied outputs such as back-translation: --temperature T \
            (default 1; below 1 sharper, above 1 flatter; 0 is greedy decoding) and --seed S \
            (default 1). Each line draws from a generator seeded by S and the line's number, so \
            the same seed gives the same output whatever --batch-size. It takes no --beam above 1 \
            and no --n-best.
            """)

    @Option(name: .long, help: ArgumentHelp("""
        The model directory (nmt train's output). Given several times, the models decode as an ensemble: \
        the mean of their log-probabilities at each step (they must share the target vocabulary).
        """, valueName: "dir"))
    var model: [String] = []

    @Option(name: .long, help: ArgumentHelp("Raw text to translate ('-': standard input).", valueName: "file"))
    var input: String = "-"

    @Option(name: .long, help: ArgumentHelp("Where to write the translation ('-': standard output).", valueName: "file"))
    var output: String = "-"

    @Option(name: .long, parsing: .unconditional,
            help: "Beam size K, \(OptionBounds.text(OptionBounds.beam)) (1: greedy; default: the recipe's decode.beam).")
    var beam: Int?

    @Option(name: .customLong("batch-size"), parsing: .unconditional,
            help: "Sentences decoded together, \(OptionBounds.text(OptionBounds.translateBatch)).")
    var batchSize: Int = 64

    @Option(name: .customLong("n-best"), parsing: .unconditional,
            help: "Print the N best translations of each line as 'i ||| translation ||| score', N in 1...K (the beam).")
    var nBest: Int?

    @Option(name: .customLong("length-penalty"), parsing: .unconditional,
            help: "α of the length penalty ((5 + |Y|) / 6)^α, in \(OptionBounds.lengthPenalty) (default: the recipe's).")
    var lengthPenalty: Double?

    @Option(name: .customLong("max-length-ratio"), parsing: .unconditional,
            help: "At most ratio × source tokens in an output, ratio in \(OptionBounds.maxLengthRatio) (default: the recipe's).")
    var maxLengthRatio: Double?

    @Flag(name: .customLong("replace-unk"), help: "Replace each <unk> of the output by the source token it attends to most.")
    var replaceUnknown = false

    @Option(name: .long, help: "The checkpoint: best or last (default: best, else last).")
    var checkpoint: ModelDirectory.CheckpointChoice?

    @Option(name: .long, help: ArgumentHelp("Write SVG attention maps of the first lines here.", valueName: "dir"))
    var attention: String?

    @Option(name: .customLong("attention-limit"), parsing: .unconditional,
            help: "Lines that get an attention map, \(OptionBounds.text(OptionBounds.attentionLimit)).")
    var attentionLimit: Int = 20

    @Flag(name: .long, help: "Draw each token from softmax(logits / T) instead of searching.")
    var sample = false

    @Option(name: .long, parsing: .unconditional,
            help: "With --sample: T, in \(OptionBounds.temperature) (0: greedy; default 1).")
    var temperature: Double?

    @Option(name: .long, parsing: .unconditional,
            help: "With --sample: the seed, \(OptionBounds.text(OptionBounds.seed)) (default 1).")
    var seed: Int?

    @Option(name: .long, help: Precision.help)
    var precision: Precision = .fp32

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !model.isEmpty else { throw ValidationError("Missing expected argument '--model <dir>'") }
        if model.count > 1 && checkpoint != nil { throw ValidationError("--checkpoint picks one model's checkpoint; give one --model") }
        try OptionBounds.check("--beam", beam, in: OptionBounds.beam)
        try OptionBounds.check("--batch-size", batchSize, in: OptionBounds.translateBatch)
        try OptionBounds.check("--n-best", nBest, in: 1...(beam ?? OptionBounds.beam.upperBound))
        try OptionBounds.check("--length-penalty", lengthPenalty, in: OptionBounds.lengthPenalty)
        try OptionBounds.check("--max-length-ratio", maxLengthRatio, in: OptionBounds.maxLengthRatio)
        try OptionBounds.check("--attention-limit", attentionLimit, in: OptionBounds.attentionLimit)
        try OptionBounds.check("--temperature", temperature, in: OptionBounds.temperature)
        try OptionBounds.check("--seed", seed, in: OptionBounds.seed)
        if !sample && (temperature != nil || seed != nil) {
            throw SampleOptionError(option: temperature != nil ? "--temperature" : "--seed")
        }
        if sample, let beam, beam > 1 { throw TranslationError.samplingWithBeam(beam: beam) }
        if sample && nBest != nil { throw TranslationError.samplingWithNBest }
        _ = try Precision.resolved(precision)
    }

    func run() throws {
        GEMM.threads = common.threads
        var options = TranslationOptions()
        options.beam = beam
        options.batchSize = batchSize
        options.nBest = nBest
        options.lengthPenalty = lengthPenalty
        options.maxLengthRatio = maxLengthRatio
        options.replaceUnknown = replaceUnknown
        options.attentionDirectory = attention
        options.attentionLimit = attentionLimit
        options.threads = common.threads
        options.precision = try Precision.resolved(precision)
        if sample { options.sampling = Sampling(temperature: temperature ?? 1, seed: UInt64(seed ?? 1)) }
        options.quiet = common.quiet
        // Under mpirun every rank opens the model, and all stop if one cannot (Communicator.agree).
        options.communicator = Communicator.world
        let translator = try options.communicator.agree {
            model.count == 1
                ? try Translator(directory: try ModelDirectory(path: model[0]), checkpoint: checkpoint, options: options)
                : try Translator(directories: try model.map { try ModelDirectory(path: $0) }, options: options)
        }
        let summary = try translator.translate(input: input, output: output)
        if !summary.repairedLines.isEmpty {
            let lines = summary.repairedLines
            FileSystem.printError("nmt: warning: \(input == "-" ? "<stdin>" : input): invalid UTF-8 replaced by U+FFFD on line\(lines.count > 1 ? "s" : "") \(lineList(lines))")
        }
    }
}

extension ModelDirectory.CheckpointChoice: ExpressibleByArgument {}

/// `--temperature` or `--seed` without `--sample`: one line naming it.
struct SampleOptionError: UserError {
    let option: String
    var description: String { "\(option) goes with --sample" }
}
