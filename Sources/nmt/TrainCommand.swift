import ArgumentParser
import Data
import IO
import ModelFiles
import MPI
import Text
import Train

/// `nmt train`: prepares the recipe's data when needed and trains a model directory.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a translation model from a recipe.",
        discussion: """
            Prepares the recipe's corpus into data/<name> (reused while the corpus and the data \
            settings are unchanged), then trains into the model directory (default models/<name>): \
            config.yaml, vocab.src, vocab.tgt, bpe.codes, last.ckpt, best.ckpt (by dev BLEU), \
            log.jsonl and training.svg. SIGINT/SIGTERM save last.ckpt before exiting; --resume \
            continues from it with the same data order, optimizer state and generators.
            """)

    @Option(name: .long, help: "The recipe (YAML).")
    var recipe: String

    @Option(name: .long, help: "Model directory (default: models/<recipe name>).")
    var out: String?

    @Flag(name: .long, help: "Continue from the model directory's last checkpoint (start afresh when it has none).")
    var resume = false

    @Option(name: .customLong("max-minutes"), parsing: .unconditional,
            help: "Stop after this many minutes of training in all, in \(OptionBounds.maxMinutes) (default: the recipe's).")
    var maxMinutes: Double?

    @Option(name: .customLong("max-steps"), parsing: .unconditional,
            help: "Stop after this many steps in all, \(OptionBounds.text(OptionBounds.maxSteps)) (0: no limit, as in a recipe; default: the recipe's).")
    var maxSteps: Int?

    @Option(name: .long, parsing: .unconditional, help: "Random seed, \(OptionBounds.text(OptionBounds.seed)) (default: the recipe's).")
    var seed: Int?

    @Option(name: .customLong("data"), help: "Where the prepared corpus goes (default: data/<recipe name>).")
    var dataDirectory: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try OptionBounds.check("--max-minutes", maxMinutes, in: OptionBounds.maxMinutes)
        try OptionBounds.check("--max-steps", maxSteps, in: OptionBounds.maxSteps)
        try OptionBounds.check("--seed", seed, in: OptionBounds.seed)
    }

    func run() throws {
        // Under mpirun every rank trains its share of each batch; rank 0 alone prepares the data
        // and the model directory, which the others then read. Each stage ends with the ranks
        // agreeing on whether it failed anywhere, so an error is one line and no rank is left waiting.
        let world = Communicator.world
        let recipe = try world.agree { try loadRecipe() }
        let modelPath = out ?? "models/\(recipe.name)"
        let prepared = dataDirectory ?? "data/\(recipe.name)"
        let created = try world.agree { world.isRoot ? try setUp(recipe, modelPath: modelPath, prepared: prepared) : nil }
        let trainer = try world.agree {
            try makeTrainer(recipe, directory: try created ?? ModelDirectory(path: modelPath), prepared: prepared, communicator: world)
        }
        if try !trainer.run() { throw ExitCode(130) }
    }

    private func loadRecipe() throws -> Recipe {
        var recipe = try Recipe(contentsOf: self.recipe)
        if let seed { recipe.train.seed = seed }
        return recipe
    }

    /// Prepares the data (or reuses it) and creates or reopens the model directory.
    private func setUp(_ recipe: Recipe, modelPath: String, prepared: String) throws -> ModelDirectory {
        // Before preparing the data: the recipe's vocabulary sizes bound the model's.
        try MachineMemory.check(TrainingMemory.bytes(recipe: recipe, configuration: recipe.largestConfiguration, resuming: resume),
                                for: "training \(recipe.name) (batch \(recipe.train.batchSize))")
        let lastCheckpoint = modelPath + "/last.ckpt"
        if FileSystem.exists(lastCheckpoint) && !resume {
            throw TrainCommandError.modelExists(path: modelPath)
        }
        // A run killed during a write (SIGKILL, a crash, a power cut) left its temporary behind.
        ModelDirectory.removeStaleTemporaries(at: modelPath)
        if resume && FileSystem.exists(lastCheckpoint) { try checkResumed(recipe, modelPath: modelPath) }

        // 1. Data, prepared (or reused) with the recipe's settings.
        let data = recipe.data
        let options = PrepareOptions(sourceLanguage: data.source, targetLanguage: data.target, maxLength: data.maxLength,
                                     bpeMerges: data.bpeMerges, sourceVocabularySize: data.sourceVocabulary,
                                     targetVocabularySize: data.targetVocabulary, minCount: data.minCount,
                                     lowercase: data.lowercase, tokenizer: data.tokenizer, threads: common.threads,
                                     quiet: common.quiet)
        _ = try CorpusPreparation.run(source: .directory(recipe.data.corpus), outputDirectory: prepared, options: options)
        let (src, tgt) = (recipe.data.source, recipe.data.target)

        // 2. The model directory: reopened to resume, else created from the prepared vocabularies.
        if resume && FileSystem.exists(lastCheckpoint) {
            return try ModelDirectory(path: modelPath)
        } else {
            return try ModelDirectory.create(
                path: modelPath, recipe: recipe,
                sourceVocabulary: try Vocabulary(contentsOf: "\(prepared)/vocab.\(src)"),
                targetVocabulary: try Vocabulary(contentsOf: "\(prepared)/vocab.\(tgt)"),
                codes: recipe.data.bpeMerges > 0 ? try BPECodes(contentsOf: "\(prepared)/bpe.codes") : nil)
        }
    }

    /// Reads the prepared corpus and makes the trainer (on every rank).
    private func makeTrainer(_ recipe: Recipe, directory: ModelDirectory, prepared: String, communicator: Communicator) throws -> Trainer {
        let (src, tgt) = (recipe.data.source, recipe.data.target)
        // Memory-mapped from train.ids when current (ranks on one machine share its pages), else the text.
        let train = try ParallelCorpus.prepared(directory: prepared, source: src, target: tgt,
                                                sourceVocabulary: directory.sourceVocabulary, targetVocabulary: directory.targetVocabulary)
        let devSource = "\(prepared)/dev.\(src)"
        var dev = ParallelCorpus()
        var references: [String] = []
        if FileSystem.exists(devSource) {
            dev = try ParallelCorpus(sourcePath: devSource, targetPath: "\(prepared)/dev.\(tgt)",
                                     sourceVocabulary: directory.sourceVocabulary, targetVocabulary: directory.targetVocabulary)
            references = try FileSystem.readLines("\(recipe.data.corpus)/dev.\(tgt)").strings.map(Normalizer.nfc)
        }

        // 3. Train.
        var trainerOptions = Trainer.Options()
        trainerOptions.maxMinutes = maxMinutes
        trainerOptions.maxSteps = maxSteps
        trainerOptions.recipePath = self.recipe
        trainerOptions.bucketsLine = recipe.bucketsLine
        trainerOptions.quiet = common.quiet
        trainerOptions.threads = common.threads
        trainerOptions.communicator = communicator
        return try Trainer(directory: directory, train: train, dev: dev, devReferences: references, resume: resume,
                           options: trainerOptions)
    }

    /// A resumed run goes on with its model directory's `config.yaml`: a recipe that changes the
    /// network or its data is refused (naming the first such key), other changed keys are named
    /// in a warning, as they do not take effect.
    func checkResumed(_ recipe: Recipe, modelPath: String) throws {
        let saved = try ModelDirectory(path: modelPath).recipe
        let differences = recipe.differences(from: saved)
        if let first = differences.first(where: \.changesTheModel) {
            throw TrainCommandError.resumedRecipeDiffers(recipe: self.recipe, model: modelPath, key: first.key,
                                                         given: first.here, saved: first.there)
        }
        if !differences.isEmpty && !common.quiet {
            let list = differences.map { "\($0.key) \($0.here) (config.yaml: \($0.there))" }.joined(separator: ", ")
            FileSystem.printError("nmt: warning: \(self.recipe): \(list); a resumed run keeps \(modelPath)/config.yaml's settings (--max-minutes and --max-steps apply)")
        }
    }
}

enum TrainCommandError: UserError {
    case modelExists(path: String)
    case resumedRecipeDiffers(recipe: String, model: String, key: String, given: String, saved: String)

    var description: String {
        switch self {
        case .modelExists(let path):
            return "\(path) already holds a trained model; --resume continues it, --out DIR trains a new one"
        case .resumedRecipeDiffers(let recipe, let model, let key, let given, let saved):
            return "\(recipe): \(key) is \(given), but \(model) was trained with \(saved) (its config.yaml); "
                + "a resumed model keeps its network and data: train a new one with --out DIR"
        }
    }
}
