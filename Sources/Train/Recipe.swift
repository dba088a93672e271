import IO
import Text
import Yams

/// A training recipe (`recipes/*.yaml`): data preparation, model shape, training and decoding
/// settings, with every key of CONTRACT.md.
///
/// Parsing checks everything before any work starts: an unknown key, a wrong type or an
/// impossible value is a `RecipeError` naming the file, the line and the key
/// (`recipes/x.yaml:7: model.attention must be one of dot, general, concat, not 'bilinear'`).
/// Keys left out take the defaults below, which are those of `recipes/en-fr.yaml`.
public struct Recipe: Sendable, Equatable {
    public struct DataSettings: Sendable, Equatable {
        public var corpus = "corpora/ddtp-en-fr"
        public var source = "en"
        public var target = "fr"
        public var tokenizer = TokenizerKind.reversible
        public var bpeMerges = 16_000
        /// Vocabulary sizes, the four specials included.
        public var sourceVocabulary = 20_000
        public var targetVocabulary = 20_000
        public var minCount = 1
        public var maxLength = 80
        public var lowercase = false
        public var reverseSource = true
        /// (source, target) length limits, increasing; a pair goes to the first bucket it fits.
        public var buckets: [[Int]] = [[10, 15], [20, 25], [40, 50], [80, 90]]
    }

    public struct ModelSettings: Sendable, Equatable {
        public var embedding = 256
        public var hidden = 256
        public var layers = 2
        /// Luong et al. 2015's score: dot, general or concat.
        public var attention = "general"
        public var inputFeeding = true
        public var dropout = 0.2
    }

    public struct TrainSettings: Sendable, Equatable {
        /// full or sampled (Jean et al. 2015).
        public var loss = "sampled"
        public var numSampled = 512
        /// adam or sgd.
        public var optimizer = "adam"
        public var learningRate = 0.001
        /// Factor the learning rate is multiplied by when dev perplexity stops improving.
        public var decay = 0.5
        public var maxGradientNorm = 5.0
        public var batchSize = 64
        public var maxMinutes = 30.0
        /// 0: no step limit (stop at `maxMinutes`).
        public var maxSteps = 0
        public var evalEvery = 1000
        public var logEvery = 100
        public var seed = 1
    }

    public struct DecodeSettings: Sendable, Equatable {
        public var beam = 5
        public var lengthPenalty = 1.0
        public var maxLengthRatio = 2.0
    }

    public var name = "en-fr"
    public var data = DataSettings()
    public var model = ModelSettings()
    public var train = TrainSettings()
    public var decode = DecodeSettings()

    public init() {}

    /// Reads and checks a recipe file.
    /// - Throws: `FileError` for an unreadable file, `RecipeError` for anything wrong inside it.
    public init(contentsOf path: String) throws {
        let bytes = try FileSystem.readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileError.invalidUTF8(path: path, line: RecipeParser.firstInvalidLine(bytes))
        }
        try self.init(yaml: text, path: path)
    }

    /// Parses recipe text; `path` names the file in errors.
    public init(yaml text: String, path: String) throws {
        self.init()
        let parser = RecipeParser(path: path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw RecipeError(path: path, line: 1, message: "the recipe is empty") }
            root = node
        } catch let error as RecipeError {
            throw error
        } catch let error as YamlError {
            throw parser.yamlError(error)
        }
        let top = try parser.mapping(root, key: nil, allowed: ["name", "data", "model", "train", "decode"])
        if let node = top["name"] { name = try parser.string(node, key: "name") } else {
            name = String(path.split(separator: "/").last?.split(separator: ".").first ?? "model")
        }
        if let node = top["data"] {
            let keys = ["corpus", "src", "tgt", "tokenizer", "bpe_merges", "src_vocab", "tgt_vocab", "min_count",
                        "max_length", "lowercase", "reverse_source", "buckets"]
            let m = try parser.mapping(node, key: "data", allowed: keys)
            if let n = m["corpus"] { data.corpus = try parser.string(n, key: "data.corpus") }
            if let n = m["src"] { data.source = try parser.choice(n, key: "data.src", among: ["en", "fr"]) }
            if let n = m["tgt"] { data.target = try parser.choice(n, key: "data.tgt", among: ["en", "fr"]) }
            if let n = m["tokenizer"] {
                data.tokenizer = TokenizerKind(rawValue: try parser.choice(n, key: "data.tokenizer", among: ["reversible", "moses"]))!
            }
            if let n = m["bpe_merges"] { data.bpeMerges = try parser.int(n, key: "data.bpe_merges", atLeast: 0) }
            if let n = m["src_vocab"] { data.sourceVocabulary = try parser.int(n, key: "data.src_vocab", atLeast: 5) }
            if let n = m["tgt_vocab"] { data.targetVocabulary = try parser.int(n, key: "data.tgt_vocab", atLeast: 5) }
            if let n = m["min_count"] { data.minCount = try parser.int(n, key: "data.min_count", atLeast: 1) }
            if let n = m["max_length"] { data.maxLength = try parser.int(n, key: "data.max_length", atLeast: 1) }
            if let n = m["lowercase"] { data.lowercase = try parser.bool(n, key: "data.lowercase") }
            if let n = m["reverse_source"] { data.reverseSource = try parser.bool(n, key: "data.reverse_source") }
            if let n = m["buckets"] { data.buckets = try parser.buckets(n, key: "data.buckets") }
            if data.source == data.target, let n = m["tgt"] ?? m["src"] {
                throw parser.error(n, "data.src and data.tgt must differ")
            }
        }
        if let node = top["model"] {
            let keys = ["embedding", "hidden", "layers", "attention", "input_feeding", "dropout"]
            let m = try parser.mapping(node, key: "model", allowed: keys)
            if let n = m["embedding"] { model.embedding = try parser.int(n, key: "model.embedding", atLeast: 1) }
            if let n = m["hidden"] { model.hidden = try parser.int(n, key: "model.hidden", atLeast: 1) }
            if let n = m["layers"] { model.layers = try parser.int(n, key: "model.layers", atLeast: 1) }
            if let n = m["attention"] { model.attention = try parser.choice(n, key: "model.attention", among: ["dot", "general", "concat"]) }
            if let n = m["input_feeding"] { model.inputFeeding = try parser.bool(n, key: "model.input_feeding") }
            if let n = m["dropout"] { model.dropout = try parser.double(n, key: "model.dropout", in: 0..<1) }
        }
        if let node = top["train"] {
            let keys = ["loss", "num_sampled", "optimizer", "learning_rate", "decay", "max_gradient_norm", "batch_size",
                        "max_minutes", "max_steps", "eval_every", "log_every", "seed"]
            let m = try parser.mapping(node, key: "train", allowed: keys)
            if let n = m["loss"] { train.loss = try parser.choice(n, key: "train.loss", among: ["full", "sampled"]) }
            if let n = m["num_sampled"] { train.numSampled = try parser.int(n, key: "train.num_sampled", atLeast: 1) }
            if let n = m["optimizer"] { train.optimizer = try parser.choice(n, key: "train.optimizer", among: ["adam", "sgd"]) }
            if let n = m["learning_rate"] { train.learningRate = try parser.double(n, key: "train.learning_rate", positive: true) }
            if let n = m["decay"] { train.decay = try parser.double(n, key: "train.decay", in: 0..<1.000_000_1, positive: true) }
            if let n = m["max_gradient_norm"] { train.maxGradientNorm = try parser.double(n, key: "train.max_gradient_norm", positive: true) }
            if let n = m["batch_size"] { train.batchSize = try parser.int(n, key: "train.batch_size", atLeast: 1) }
            if let n = m["max_minutes"] { train.maxMinutes = try parser.double(n, key: "train.max_minutes", positive: true) }
            if let n = m["max_steps"] { train.maxSteps = try parser.int(n, key: "train.max_steps", atLeast: 0) }
            if let n = m["eval_every"] { train.evalEvery = try parser.int(n, key: "train.eval_every", atLeast: 1) }
            if let n = m["log_every"] { train.logEvery = try parser.int(n, key: "train.log_every", atLeast: 1) }
            if let n = m["seed"] { train.seed = try parser.int(n, key: "train.seed", atLeast: 0) }
            if train.loss == "sampled", train.numSampled >= data.targetVocabulary, let n = m["num_sampled"] ?? m["loss"] {
                throw parser.error(n, "train.num_sampled (\(train.numSampled)) must be smaller than data.tgt_vocab (\(data.targetVocabulary))")
            }
        }
        if let node = top["decode"] {
            let m = try parser.mapping(node, key: "decode", allowed: ["beam", "length_penalty", "max_length_ratio"])
            if let n = m["beam"] { decode.beam = try parser.int(n, key: "decode.beam", atLeast: 1) }
            if let n = m["length_penalty"] { decode.lengthPenalty = try parser.double(n, key: "decode.length_penalty", in: 0..<1e9) }
            if let n = m["max_length_ratio"] { decode.maxLengthRatio = try parser.double(n, key: "decode.max_length_ratio", positive: true) }
        }
    }

    /// The resolved recipe as YAML, every key written (the model directory's `config.yaml`).
    public var yaml: String {
        func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) + ".0" : "\(x)" }
        let buckets = data.buckets.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ")
        return """
            name: \(name)
            data:
              corpus: \(data.corpus)
              src: \(data.source)
              tgt: \(data.target)
              tokenizer: \(data.tokenizer.rawValue)
              bpe_merges: \(data.bpeMerges)
              src_vocab: \(data.sourceVocabulary)
              tgt_vocab: \(data.targetVocabulary)
              min_count: \(data.minCount)
              max_length: \(data.maxLength)
              lowercase: \(data.lowercase)
              reverse_source: \(data.reverseSource)
              buckets: [\(buckets)]
            model:
              embedding: \(model.embedding)
              hidden: \(model.hidden)
              layers: \(model.layers)
              attention: \(model.attention)
              input_feeding: \(model.inputFeeding)
              dropout: \(number(model.dropout))
            train:
              loss: \(train.loss)
              num_sampled: \(train.numSampled)
              optimizer: \(train.optimizer)
              learning_rate: \(number(train.learningRate))
              decay: \(number(train.decay))
              max_gradient_norm: \(number(train.maxGradientNorm))
              batch_size: \(train.batchSize)
              max_minutes: \(number(train.maxMinutes))
              max_steps: \(train.maxSteps)
              eval_every: \(train.evalEvery)
              log_every: \(train.logEvery)
              seed: \(train.seed)
            decode:
              beam: \(decode.beam)
              length_penalty: \(number(decode.lengthPenalty))
              max_length_ratio: \(number(decode.maxLengthRatio))

            """
    }
}

/// A recipe that cannot be used: the file, the line and what is wrong, naming the key.
public struct RecipeError: UserError, Equatable {
    public let path: String
    public let line: Int
    public let message: String

    /// One line: line breaks the message quotes from the recipe (a key or value may hold one) are
    /// written as `\n` and `\r`.
    public var description: String {
        "\(path):\(line): " + message.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}

/// Reads YAML nodes into typed values, turning every mismatch into a `RecipeError`.
struct RecipeParser {
    let path: String

    func error(_ node: Node, _ message: String) -> RecipeError {
        RecipeError(path: path, line: node.mark?.line ?? 1, message: message)
    }

    func yamlError(_ error: YamlError) -> RecipeError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return RecipeError(path: path, line: mark.line, message: "not valid YAML: \(problem)")
        case .reader(let problem, let offset, let value, let yaml):
            // Yams' own description quotes the text over several lines; name the line instead.
            let line = 1 + yaml.utf8.prefix(max(0, offset ?? 0)).count { $0 == 0x0A }
            let hex = String(value, radix: 16, uppercase: true)
            let character = value < 0 ? "" : " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex))"
            return RecipeError(path: path, line: line, message: "not valid YAML: \(problem)\(character)")
        default:
            return RecipeError(path: path, line: 1, message: "not valid YAML: \(error)")
        }
    }

    /// A mapping whose keys are all in `allowed`; keys map to their value nodes.
    func mapping(_ node: Node, key: String?, allowed: [String]) throws -> [String: Node] {
        guard let mapping = node.mapping else {
            throw error(node, key.map { "\($0) must be a mapping of keys to values" } ?? "a recipe is a mapping with name, data, model, train, decode")
        }
        var result = [String: Node]()
        for (k, value) in mapping {
            guard let name = k.string else { throw error(k, "keys must be strings") }
            let full = key.map { "\($0).\(name)" } ?? name
            guard allowed.contains(name) else {
                throw error(k, "unknown key '\(full)' (\(key.map { "\($0) takes" } ?? "a recipe takes") \(allowed.joined(separator: ", ")))")
            }
            if result[name] != nil { throw error(k, "key '\(full)' appears twice") }
            result[name] = value
        }
        return result
    }

    func string(_ node: Node, key: String) throws -> String {
        guard let scalar = node.scalar, !scalar.string.isEmpty else { throw error(node, "\(key) must be a string") }
        return scalar.string
    }

    func choice(_ node: Node, key: String, among values: [String]) throws -> String {
        let value = try string(node, key: key)
        guard values.contains(value) else {
            throw error(node, "\(key) must be one of \(values.joined(separator: ", ")), not '\(value)'")
        }
        return value
    }

    func int(_ node: Node, key: String, atLeast minimum: Int) throws -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error(node, "\(key) must be a whole number, not '\(node.scalar?.string ?? "a list or mapping")'")
        }
        guard value >= minimum else { throw error(node, "\(key) must be at least \(minimum), not \(value)") }
        return value
    }

    func double(_ node: Node, key: String, in range: Range<Double>? = nil, positive: Bool = false) throws -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            throw error(node, "\(key) must be a number, not '\(node.scalar?.string ?? "a list or mapping")'")
        }
        if positive && !(value > 0) { throw error(node, "\(key) must be greater than 0, not \(scalar.string)") }
        if let range, !range.contains(value) {
            throw error(node, "\(key) must be in [\(range.lowerBound), \(range.upperBound)), not \(scalar.string)")
        }
        return value
    }

    func bool(_ node: Node, key: String) throws -> Bool {
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default: throw error(node, "\(key) must be true or false, not '\(node.scalar?.string ?? "a list or mapping")'")
        }
    }

    /// Pairs [source, target] of positive lengths, each pair at least as large as the one before.
    func buckets(_ node: Node, key: String) throws -> [[Int]] {
        guard let sequence = node.sequence, !sequence.isEmpty else {
            throw error(node, "\(key) must be a list of [source, target] length pairs")
        }
        var result = [[Int]]()
        for item in sequence {
            guard let pair = item.sequence, pair.count == 2 else {
                throw error(item, "\(key) entries must be [source, target] pairs")
            }
            let lengths = try pair.map { try int($0, key: key, atLeast: 1) }
            if let last = result.last, lengths[0] < last[0] || lengths[1] < last[1] {
                throw error(item, "\(key): bucket [\(lengths[0]), \(lengths[1])] is smaller than the one before it [\(last[0]), \(last[1])]")
            }
            result.append(lengths)
        }
        return result
    }

    static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        let lines = LineBuffer(contents: bytes)
        for i in 0..<lines.count where !lines.withLine(i, { UTF8Repair.isValid($0) }) { return i + 1 }
        return 1
    }
}
