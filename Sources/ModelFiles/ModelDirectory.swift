import IO
import Model
import Tensor
import Text

/// A trained model on disk (CONTRACT.md): `config.yaml` (the resolved recipe), `vocab.src`,
/// `vocab.tgt`, `bpe.codes` when BPE is on, `last.ckpt`, `best.ckpt`, `log.jsonl`, `training.svg`.
///
/// `nmt translate` opens one with `init(path:)` and `load(_:)`; `nmt train` creates one with
/// `create(…)` and writes checkpoints into it. A checkpoint records the layout fingerprint and
/// the hashes of the vocabularies and codes it was trained with, so that a checkpoint copied
/// into another model's directory is refused instead of translating garbage.
public struct ModelDirectory: Sendable {
    public let path: String
    public let recipe: Recipe
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    public let codes: BPECodes?

    public enum CheckpointChoice: String, Sendable, CaseIterable {
        case last, best
    }

    public var configPath: String { path + "/config.yaml" }
    public func checkpointPath(_ choice: CheckpointChoice) -> String { "\(path)/\(choice.rawValue).ckpt" }
    public var logPath: String { path + "/log.jsonl" }
    public var curvesPath: String { path + "/training.svg" }

    /// Opens an existing model directory.
    /// - Throws: `ModelDirectoryError.missing` naming the directory, or the file's own error.
    public init(path: String) throws {
        guard FileSystem.isDirectory(path) else {
            throw FileSystem.exists(path) ? ModelDirectoryError.notADirectory(path: path) : ModelDirectoryError.missing(path: path)
        }
        guard FileSystem.exists(path + "/config.yaml") else { throw ModelDirectoryError.notAModel(path: path) }
        self.path = path
        recipe = try Recipe(contentsOf: path + "/config.yaml")
        sourceVocabulary = try Vocabulary(contentsOf: path + "/vocab.src")
        targetVocabulary = try Vocabulary(contentsOf: path + "/vocab.tgt")
        codes = FileSystem.exists(path + "/bpe.codes") ? try BPECodes(contentsOf: path + "/bpe.codes") : nil
    }

    /// Every file `nmt train` writes into a model directory.
    public static let fileNames = ["config.yaml", "vocab.src", "vocab.tgt", "bpe.codes", "last.ckpt", "best.ckpt",
                                   "log.jsonl", "training.svg"]

    /// Removes what a killed run's atomic writes left behind (`last.ckpt.tmp-PID`,
    /// `step-000123.ckpt.tmp-PID` and the like).
    /// - Returns: the paths removed.
    @discardableResult
    public static func removeStaleTemporaries(at path: String) -> [String] {
        FileSystem.removeStaleTemporaries(in: path, of: fileNames + KeptCheckpoints.names(in: path))
    }

    /// Writes a new model directory's fixed files (atomically each) and opens it.
    public static func create(path: String, recipe: Recipe, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary,
                              codes: BPECodes?) throws -> ModelDirectory {
        try FileSystem.createDirectory(path)
        try OutputFile.write(sourceVocabulary.fileContents(), to: path + "/vocab.src")
        try OutputFile.write(targetVocabulary.fileContents(), to: path + "/vocab.tgt")
        if let codes { try OutputFile.write(codes.fileContents(), to: path + "/bpe.codes") } else {
            FileSystem.removeIfPresent(path + "/bpe.codes")
        }
        try OutputFile.write(Array(recipe.yaml.utf8), to: path + "/config.yaml")
        return try ModelDirectory(path: path)
    }

    /// The network's shape: the recipe's model section with this directory's vocabulary sizes.
    public var configuration: Seq2SeqConfiguration {
        recipe.configuration(sourceVocabularySize: sourceVocabulary.count, targetVocabularySize: targetVocabulary.count)
    }

    /// What a checkpoint must match to belong here: the layout, the vocabularies and codes, and
    /// the settings of `config.yaml` that change what the network sees (an edited `lowercase` or
    /// `reverse_source` would feed it text it never saw and translate garbage without a word).
    public var identity: [(name: String, value: String)] {
        [("vocab.src", Self.hash(sourceVocabulary.fileContents())), ("vocab.tgt", Self.hash(targetVocabulary.fileContents())),
         ("bpe.codes", codes.map { Self.hash($0.fileContents()) } ?? "none"), ("tokenizer", recipe.data.tokenizer.rawValue),
         ("lowercase", String(recipe.data.lowercase)), ("reverse_source", String(recipe.data.reverseSource))]
    }

    /// Stamps that checkpoints written before they were added lack; such a checkpoint is
    /// accepted without them (its model directory's word is all there is).
    static let laterStamps: Set<String> = ["lowercase", "reverse_source"]

    /// Network choices stamped only when they differ from their defaults, so that checkpoints of
    /// default models stay as they were; a checkpoint without one was trained with the default.
    var architecture: [(name: String, value: String, defaultValue: String)] {
        [("model.encoder", recipe.model.encoder.rawValue, EncoderKind.uni.rawValue),
         ("model.residual", String(recipe.model.residual), "false")]
    }

    /// The model and its parameters from a checkpoint, for decoding: the store has no gradients,
    /// and its values are the checkpoint's `parameters` tensor itself (read straight from the
    /// file, not copied); the optimiser's tensors are not kept.
    /// - Throws: `FileError`/`CheckpointError` for a missing, truncated, corrupted or foreign checkpoint.
    public func load(_ choice: CheckpointChoice) throws -> (model: Seq2Seq, parameters: ParameterStore, checkpoint: Checkpoint) {
        let file = checkpointPath(choice)
        guard FileSystem.exists(file) else { throw ModelDirectoryError.noCheckpoint(path: file) }
        let checkpoint = try Checkpoint(contentsOf: file, keeping: ["parameters"])
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: configuration, layout: &layout)
        try verify(checkpoint, layout: layout, path: file)
        let parameters = ParameterStore(decoding: layout, values: checkpoint.tensor("parameters")!)
        return (model, parameters, checkpoint)
    }

    /// Refuses a checkpoint made for another layout, vocabulary, codes or tokenizer.
    public func verify(_ checkpoint: Checkpoint, layout: ParameterLayout, path file: String) throws {
        // Before the layout, whose mismatch would say less.
        for (name, value, defaultValue) in architecture {
            let stamped = checkpoint.text(name) ?? defaultValue
            guard stamped == value else {
                throw CheckpointError.foreign(path: file, reason: "it was trained with \(name): \(stamped), but \(configPath) says \(name): \(value)")
            }
        }
        guard checkpoint.integers("layout") == [layout.fingerprint],
              let values = checkpoint.tensor("parameters"), values.count == layout.count else {
            throw CheckpointError.foreign(path: file, reason: "its parameters do not fit the network of \(configPath)")
        }
        for (name, value) in identity {
            guard let stamped = checkpoint.text(name) else {
                if Self.laterStamps.contains(name) { continue }
                throw CheckpointError.foreign(path: file, reason: "it was trained with another \(name)")
            }
            guard stamped == value else {
                // A setting can be named with its value; a hash says nothing to a reader.
                let reason = name.contains(".") ? "it was trained with another \(name)"
                    : "it was trained with \(name): \(stamped), but \(configPath) says \(name): \(value)"
                throw CheckpointError.foreign(path: file, reason: reason)
            }
        }
    }

    /// The parts of a checkpoint that tie it to this directory (add them to every checkpoint written).
    public func stamp(_ checkpoint: inout Checkpoint, layout: ParameterLayout) {
        checkpoint.integers.append(("layout", [layout.fingerprint]))
        for (name, value) in identity { checkpoint.texts.append((name, value)) }
        for (name, value, defaultValue) in architecture where value != defaultValue { checkpoint.texts.append((name, value)) }
    }

    static func hash(_ bytes: [UInt8]) -> String {
        var checksum = Checksum()
        bytes.withUnsafeBytes { checksum.add($0) }
        let digits = String(checksum.value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

public enum ModelDirectoryError: UserError, Equatable {
    case missing(path: String)
    case notADirectory(path: String)
    case notAModel(path: String)
    case noCheckpoint(path: String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): no such model directory"
        case .notADirectory(let path): return "\(path): not a directory (--model takes the directory nmt train wrote)"
        case .notAModel(let path): return "\(path): not a model directory (no config.yaml; train one with nmt train)"
        case .noCheckpoint(let path): return "\(path): no such checkpoint (has training written one yet?)"
        }
    }
}
