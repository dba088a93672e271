/// One key of a recipe: its name, the values it takes, its default and what it does. The
/// parser takes each key's range from `RecipeKey.all`, its error messages quote it, `Recipe.yaml`
/// writes every key in this order, and the README's table of keys is `markdownTable`.
///
/// Every number has an upper bound, chosen generous for a user and safe for the machine (the
/// doc of each key says why); what a recipe then asks of memory as a whole is checked against
/// the machine by `TrainingMemory` before anything is allocated.
public struct RecipeKey: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>)
        case number(NumberRange)
        case boolean
        case choice([String])
        /// A non-empty string (a path).
        case text
        /// A plain file name: letters, digits, `-`, `_`, `.`, not starting with a dot.
        case fileName
        /// [source, target] length pairs, each length in the range, at most `count` pairs.
        case buckets(lengths: ClosedRange<Int>, count: Int)
    }

    /// Dotted name, as errors write it (`model.hidden`).
    public let name: String
    public let kind: Kind
    /// What it does and why its range is what it is.
    public let doc: String
    /// The key's value in a recipe, as YAML.
    let value: @Sendable (Recipe) -> String

    /// `decode.beam` → `beam`.
    public var leaf: String { String(name.split(separator: ".").last!) }
    /// `decode.beam` → `decode`; `name` → nil.
    public var section: String? { name.contains(".") ? String(name.split(separator: ".").first!) : nil }

    /// The range of an integer key (a programmer error for any other).
    public static func integers(_ name: String) -> ClosedRange<Int> {
        guard case .integer(let range) = named(name).kind else { preconditionFailure("\(name) is not an integer key") }
        return range
    }

    /// The range of a number key.
    public static func numbers(_ name: String) -> NumberRange {
        guard case .number(let range) = named(name).kind else { preconditionFailure("\(name) is not a number key") }
        return range
    }

    public static func named(_ name: String) -> RecipeKey {
        guard let key = all.first(where: { $0.name == name }) else { preconditionFailure("no recipe key \(name)") }
        return key
    }

    /// The keys of a section (`data`), or the top-level ones (nil).
    static func keys(in section: String?) -> [String] {
        all.filter { $0.section == section }.map(\.leaf)
    }

    /// The range as errors and the README write it.
    public var rangeText: String {
        switch kind {
        case .integer(let range): return "\(range.lowerBound)...\(range.upperBound)"
        case .number(let range): return range.description
        case .boolean: return "true, false"
        case .choice(let values): return values.joined(separator: ", ")
        case .text: return "a path"
        case .fileName: return "a plain file name"
        case .buckets(let lengths, let count): return "1 to \(count) pairs, lengths \(lengths.lowerBound)...\(lengths.upperBound)"
        }
    }

    /// The README's table: key, range, default, what it does.
    public static var markdownTable: String {
        let defaults = Recipe()
        var lines = ["| key | range | default | what it does |", "|---|---|---|---|"]
        for key in all {
            let value = key.name == "name" ? "the file's name" : key.value(defaults)
            lines.append("| `\(key.name)` | \(key.rangeText) | `\(value)` | \(key.doc) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The longest a line of text or a vocabulary may reasonably be asked to be: the largest
    /// vocabularies in the literature are ~500,000 words (Jean et al. 2015), so 1,000,000.
    public static let vocabularyLimit = 1_000_000
    /// Tokens in a sentence or a bucket: 1,000 is ten times the shipped corpus's longest pairs
    /// (beyond it an LSTM's attention has little left to give, and `translate` cuts long lines
    /// into pieces of the largest bucket anyway).
    public static let lengthLimit = 1_000
    /// One year of minutes.
    public static let minutesLimit = 527_040.0
    /// A 32-bit seed, as Marian and NumPy take.
    public static let seedLimit = 4_294_967_295

    public static let all: [RecipeKey] = [
        RecipeKey(name: "name", kind: .fileName,
                  doc: "Names the data and model directories (`data/<name>`, `models/<name>`), so a plain file name of at most 255 bytes; default: the recipe file's name without extension",
                  value: { $0.name }),

        RecipeKey(name: "data.corpus", kind: .text, doc: "Directory of raw `{train,dev,test}.{src,tgt}`", value: { yamlString($0.data.corpus) }),
        RecipeKey(name: "data.src", kind: .choice(["en", "fr"]), doc: "Source language", value: { $0.data.source }),
        RecipeKey(name: "data.tgt", kind: .choice(["en", "fr"]), doc: "Target language (not the source's)", value: { $0.data.target }),
        RecipeKey(name: "data.tokenizer", kind: .choice(["reversible", "moses"]), doc: "Moses' tokens with ￭ joiner marks, or plain Moses tokens",
                  value: { $0.data.tokenizer.rawValue }),
        RecipeKey(name: "data.bpe_merges", kind: .integer(0...1_000_000),
                  doc: "Joint BPE merges (0: no BPE); published systems use 8,000 to 90,000",
                  value: { "\($0.data.bpeMerges)" }),
        RecipeKey(name: "data.src_vocab", kind: .integer(5...vocabularyLimit),
                  doc: "Source vocabulary size, the four specials included; Jean et al. (2015) used 500,000 words at most",
                  value: { "\($0.data.sourceVocabulary)" }),
        RecipeKey(name: "data.tgt_vocab", kind: .integer(5...vocabularyLimit),
                  doc: "Target vocabulary size, the four specials included", value: { "\($0.data.targetVocabulary)" }),
        RecipeKey(name: "data.min_count", kind: .integer(1...1_000_000_000), doc: "Tokens seen fewer times are left out of the vocabularies",
                  value: { "\($0.data.minCount)" }),
        RecipeKey(name: "data.max_length", kind: .integer(1...lengthLimit), doc: "Training pairs with more tokens on a side are dropped",
                  value: { "\($0.data.maxLength)" }),
        RecipeKey(name: "data.lowercase", kind: .boolean, doc: "Lowercase all text", value: { "\($0.data.lowercase)" }),
        RecipeKey(name: "data.reverse_source", kind: .boolean, doc: "Feed sources reversed (Sutskever et al. 2014)",
                  value: { "\($0.data.reverseSource)" }),
        RecipeKey(name: "data.buckets", kind: .buckets(lengths: 1...lengthLimit, count: 64),
                  doc: "[source, target] length limits, increasing; a pair goes to the first it fits, and `translate` cuts lines longer than the largest source length",
                  value: { "[" + $0.data.buckets.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ") + "]" }),

        RecipeKey(name: "model.embedding", kind: .integer(1...8_192), doc: "Embedding size; large models use 512 to 1,024",
                  value: { "\($0.model.embedding)" }),
        RecipeKey(name: "model.hidden", kind: .integer(1...8_192), doc: "LSTM and attention size; GNMT uses 1,024",
                  value: { "\($0.model.hidden)" }),
        RecipeKey(name: "model.layers", kind: .integer(1...16), doc: "LSTM layers of the encoder and of the decoder; GNMT uses 8",
                  value: { "\($0.model.layers)" }),
        RecipeKey(name: "model.attention", kind: .choice(["dot", "general", "concat"]), doc: "Luong et al. (2015)'s score",
                  value: { $0.model.attention }),
        RecipeKey(name: "model.input_feeding", kind: .boolean, doc: "Feed h̃_{t-1} to the decoder (Luong et al. 2015)",
                  value: { "\($0.model.inputFeeding)" }),
        RecipeKey(name: "model.dropout", kind: .number(NumberRange(0, 1, includesUpper: false)), doc: "Dropout probability",
                  value: { yamlNumber($0.model.dropout) }),

        RecipeKey(name: "train.loss", kind: .choice(["full", "sampled"]), doc: "Full softmax, or sampled softmax (Jean et al. 2015)",
                  value: { $0.train.loss }),
        RecipeKey(name: "train.num_sampled", kind: .integer(1...vocabularyLimit),
                  doc: "Candidates of the sampled softmax; fewer than `data.tgt_vocab`", value: { "\($0.train.numSampled)" }),
        RecipeKey(name: "train.optimizer", kind: .choice(["adam", "sgd"]), doc: "Adam or plain SGD", value: { $0.train.optimizer }),
        RecipeKey(name: "train.learning_rate", kind: .number(NumberRange(0, 10, includesLower: false)),
                  doc: "Initial learning rate; Adam uses ~0.001, SGD ~1 (Luong et al. 2015)", value: { yamlNumber($0.train.learningRate) }),
        RecipeKey(name: "train.min_learning_rate", kind: .number(NumberRange(0, 10)),
                  doc: "Floor of the decayed learning rate (0: none; above `learning_rate`: no decay); the default is a tenth of the default rate, as measured in `recipes/tiny.yaml`",
                  value: { yamlNumber($0.train.minLearningRate) }),
        RecipeKey(name: "train.decay", kind: .number(NumberRange(0, 1, includesLower: false)),
                  doc: "Factor of the learning rate when dev perplexity stops improving (1: no decay)", value: { yamlNumber($0.train.decay) }),
        RecipeKey(name: "train.max_gradient_norm", kind: .number(NumberRange(0, 1e6, includesLower: false)),
                  doc: "Global-norm clipping threshold", value: { yamlNumber($0.train.maxGradientNorm) }),
        RecipeKey(name: "train.batch_size", kind: .integer(1...4_096), doc: "Sentence pairs per step; NMT systems use 32 to a few hundred",
                  value: { "\($0.train.batchSize)" }),
        RecipeKey(name: "train.max_minutes", kind: .number(NumberRange(0, minutesLimit, includesLower: false)),
                  doc: "Stop after this many minutes of training in all (a year at most)", value: { yamlNumber($0.train.maxMinutes) }),
        RecipeKey(name: "train.max_steps", kind: .integer(0...1_000_000_000), doc: "Stop after this many steps in all (0: no limit)",
                  value: { "\($0.train.maxSteps)" }),
        RecipeKey(name: "train.eval_every", kind: .integer(1...1_000_000_000), doc: "Steps between evaluations on dev",
                  value: { "\($0.train.evalEvery)" }),
        RecipeKey(name: "train.log_every", kind: .integer(1...1_000_000_000), doc: "Steps between log lines", value: { "\($0.train.logEvery)" }),
        RecipeKey(name: "train.patience", kind: .integer(0...1_000),
                  doc: "Stop early after this many evaluations without a better dev BLEU, with a last evaluation and checkpoint (0: never; Marian's --early-stopping)",
                  value: { "\($0.train.patience)" }),
        RecipeKey(name: "train.seed", kind: .integer(0...seedLimit), doc: "Seed of the parameters, the data order, dropout and the sampler (32 bits)",
                  value: { "\($0.train.seed)" }),

        RecipeKey(name: "decode.beam", kind: .integer(1...256), doc: "Beam size K (1: greedy); beyond 10 BLEU rarely improves, and memory grows with K",
                  value: { "\($0.decode.beam)" }),
        RecipeKey(name: "decode.length_penalty", kind: .number(NumberRange(0, 10)), doc: "GNMT α of ((5 + |Y|) / 6)^α (0: log-probability alone)",
                  value: { yamlNumber($0.decode.lengthPenalty) }),
        RecipeKey(name: "decode.max_length_ratio", kind: .number(NumberRange(0, 10, includesLower: false)),
                  doc: "An output has at most ⌈ratio · source tokens⌉ tokens; no language pair needs 10", value: { yamlNumber($0.decode.maxLengthRatio) }),
    ]
}
