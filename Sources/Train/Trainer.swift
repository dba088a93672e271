#if canImport(Glibc)
import Glibc
#endif
import Data
import Dispatch
import Eval
import IO
import Loss
import Model
import ModelFiles
import MPI
import Tensor
import Text
import Translation

/// Set by SIGINT/SIGTERM; the training loop checks it between steps, saves and stops.
nonisolated(unsafe) private var stopRequested: Int32 = 0

/// The training loop of `nmt train`: Adam or SGD with global-norm clipping over bucketed batches;
/// a log line every `log_every` steps; every `eval_every` steps dev perplexity and dev BLEU,
/// `best.ckpt` kept by dev BLEU, the learning rate decayed when dev perplexity stops improving,
/// `training.svg` redrawn; `last.ckpt` at every evaluation, at the end and on SIGINT/SIGTERM.
/// A run resumed from `last.ckpt` continues with the same data order, optimiser state and
/// generators, so it ends with the parameters of a run that never stopped.
///
/// Data-parallel (`mpirun -np N nmt train`): every rank draws the same global batch from the
/// shared seed and takes its slice of the rows; `TrainingStep` sums the gradients, and every rank
/// takes the same step, so the parameters stay equal everywhere. Rank 0 alone logs, evaluates and
/// writes checkpoints; every step the ranks agree on whether to stop, so none is left waiting.
public final class Trainer {
    public struct Options: Sendable {
        public var maxMinutes: Double? = nil
        /// 0: no step limit, as `train.max_steps: 0`.
        public var maxSteps: Int? = nil
        /// The recipe file the user gave and the line of its `data.buckets`, for errors about
        /// the buckets (nil: name the model directory's `config.yaml`).
        public var recipePath: String? = nil
        public var bucketsLine: Int? = nil
        public var quiet = false
        public var threads = ParallelLines.defaultThreads
        /// The ranks that train together (one process: `.single`).
        public var communicator = Communicator.single
        public init() {}
    }

    let directory: ModelDirectory
    let options: Options
    let recipe: Recipe
    let train: ParallelCorpus
    let dev: ParallelCorpus
    let devReferences: [String]
    let buckets: Buckets
    /// Whether dev BLEU can be scored (false: the target language has no detokenizer, and dev
    /// BLEU is 0).
    let translatesDev: Bool
    let model: Seq2Seq
    let layout: ParameterLayout
    let parameters: ParameterStore
    let loss: any TokenLoss
    let sampler: LogUniformSampler?
    let optimizer: any Optimizer
    /// θ̄ under `train.average: ema`, which evaluation, `best.ckpt` and translation use.
    let average: ExponentialMovingAverage?
    /// One optimisation step over `parameters` with `loss` and `optimizer`.
    let training: TrainingStep
    var workspace: Workspace { training.workspace }
    public private(set) var state: TrainingState
    var order: BatchOrder

    /// - Parameters:
    ///   - train, dev: prepared pairs as ids; `devReferences` the raw dev targets BLEU compares with.
    ///   - resume: continue from `last.ckpt` when there is one.
    public init(directory: ModelDirectory, train: ParallelCorpus, dev: ParallelCorpus, devReferences: [String],
                resume: Bool, options: Options) throws {
        self.directory = directory
        self.options = options
        recipe = directory.recipe
        self.train = train
        self.dev = dev
        self.devReferences = devReferences
        translatesDev = (try? Postprocessor(language: recipe.data.target, kind: recipe.data.tokenizer, joinsSubwords: false)) != nil
        buckets = Buckets(corpus: train, shapes: recipe.data.buckets.map { (source: $0[0], target: $0[1]) })
        guard train.count > 0 else { throw TrainingError.noTrainingPairs }
        guard buckets.pairCount > 0 else {
            throw TrainingError.noPairsFit(path: options.recipePath ?? directory.configPath, line: options.bucketsLine)
        }
        guard recipe.train.batchSize >= options.communicator.size else {
            throw TrainingError.batchSmallerThanRanks(path: options.recipePath ?? directory.configPath,
                                                      batchSize: recipe.train.batchSize, ranks: options.communicator.size)
        }
        try MachineMemory.check(TrainingMemory.bytes(recipe: recipe, configuration: directory.configuration,
                                                     resuming: resume && FileSystem.exists(directory.checkpointPath(.last))),
                                for: "training \(recipe.name) (batch \(recipe.train.batchSize))")
        var layout = ParameterLayout()
        model = Seq2Seq(configuration: directory.configuration, layout: &layout)
        self.layout = layout
        parameters = ParameterStore(layout: layout)
        let seed = UInt64(recipe.train.seed)
        switch recipe.train.loss {
        case .sampled:
            let sampler = LogUniformSampler(rangeMax: directory.targetVocabulary.count, seed: seed &+ 17)
            self.sampler = sampler
            loss = SampledSoftmax(weight: model.outputWeight, bias: model.outputBias,
                                  numSampled: min(recipe.train.numSampled, directory.targetVocabulary.count), sampler: sampler)
        case .full:
            sampler = nil
            loss = SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias)
        }
        let rate = Float(recipe.train.learningRate)
        optimizer = switch recipe.train.optimizer {
        case .adam: Adam(learningRate: rate)
        case .sgd: SGD(learningRate: rate)
        }
        training = TrainingStep(model: model, loss: loss, optimizer: optimizer, parameters: parameters,
                                workspace: Workspace(), maxGradientNorm: Float(recipe.train.maxGradientNorm),
                                communicator: options.communicator)
        let sizes = buckets.members.map(\.count)
        order = BatchOrder(bucketSizes: sizes, batchSize: recipe.train.batchSize, seed: seed)
        state = TrainingState(order: order.state, learningRate: recipe.train.learningRate)

        let last = directory.checkpointPath(.last)
        var resumedAverage: FloatBuffer? = nil
        if resume && FileSystem.exists(last) {
            let checkpoint = try Checkpoint(contentsOf: last)
            try directory.verify(checkpoint, layout: layout, path: last)
            let saved = try TrainingState(checkpoint: checkpoint, bucketSizes: sizes, path: last)
            try optimizer.restore(from: checkpoint, parameterCount: layout.count, path: last)
            // (Copies out of the checkpoint, which this scope keeps alive: see 520655d.)
            resumedAverage = try ExponentialMovingAverage.restoreTraining(parameters, from: checkpoint, path: last)
            state = saved
            order = BatchOrder(bucketSizes: sizes, batchSize: recipe.train.batchSize, seed: seed, state: saved.order)
            sampler?.state = saved.samplerState
            optimizer.learningRate = Float(saved.learningRate)
        } else {
            parameters.initializeUniform(scale: 0.1, seed: seed)
        }
        average = recipe.train.average == .ema
            ? ExponentialMovingAverage(decay: recipe.train.emaDecay, startingAt: resumedAverage ?? parameters.values) : nil
        if communicator.isRoot {
            try TrainingLog.keep(upTo: state.step, at: directory.logPath)
            KeptCheckpoints.remove(in: directory.path, after: state.step)
        }
    }

    var communicator: Communicator { options.communicator }

    /// Pairs of train that no bucket holds.
    public var droppedPairs: Int { buckets.dropped }

    /// Trains until `max_steps` or `max_minutes`, whichever comes first, or a signal; always ends
    /// with an evaluation and a checkpoint.
    /// - Returns: whether the run finished (false when stopped by a signal).
    @discardableResult
    public func run() throws -> Bool {
        let steps = options.maxSteps ?? recipe.train.maxSteps
        let maxSteps = steps > 0 ? steps : Int.max
        let maxSeconds = (options.maxMinutes ?? recipe.train.maxMinutes) * 60
        if state.finished {
            if outOfPatience {
                note("\(directory.path) stopped early at step \(state.step) (\(state.evaluationsSinceBest) evaluations without a better dev BLEU); nothing to do")
                return true
            }
            if state.step >= maxSteps || state.elapsed >= maxSeconds {
                note("\(directory.path) has finished training (step \(state.step)); nothing to do")
                return true
            }
            state.finished = false      // resumed with higher limits: go on
        }
        stopRequested = 0
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGTERM) { _ in stopRequested = 1 }
        // A parent may have started us with these signals blocked (the mask is inherited).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        defer { signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL) }

        let start = Clock.seconds()
        let elapsedBefore = state.elapsed
        var intervalLoss = 0.0, intervalTokens = 0.0, intervalStart = Clock.seconds()
        note("training \(recipe.name): \(Progress.group(buckets.pairCount)) pairs in \(buckets.shapes.count) buckets"
             + " (\(Progress.group(buckets.dropped)) too long), \(Progress.group(layout.count)) parameters, step \(state.step)")

        // The next batch is built on another thread while the current step runs.
        let prefetch = DispatchQueue(label: "nmt.batches")
        var nextBatch = makeBatch()
        var stopped = false
        while state.step < maxSteps {
            // Every rank stops at the same step: on a signal to any of them, or when any is out of time.
            let stops = communicator.allreduce([stopRequested != 0 ? 1 : 0, state.elapsed >= maxSeconds ? 1 : 0], .max)
            if stops[0] != 0 { stopped = true; break }
            if stops[1] != 0 { break }
            let batch = nextBatch.wait(), touched = nextBatch.touched
            nextBatch = makeBatch(on: prefetch)
            let result = step(batch, touched: touched)
            state.step += 1
            state.elapsed = elapsedBefore + (Clock.seconds() - start)
            intervalLoss += result.loss * Double(recipe.train.batchSize)
            intervalTokens += result.targetTokens
            if state.step % recipe.train.logEvery == 0 {
                let now = Clock.seconds()
                try agreeOnRoot {
                    try logInterval(loss: intervalLoss, tokens: intervalTokens, seconds: now - intervalStart,
                                    maxSeconds: maxSeconds, maxSteps: maxSteps)
                }
                intervalLoss = 0; intervalTokens = 0; intervalStart = now
            }
            if state.step % recipe.train.evalEvery == 0 {
                try evaluateAndSave()
                if outOfPatience { break }
            }
        }
        _ = nextBatch.wait()
        if stopped {
            try agreeOnRoot {
                try saveCheckpoint()
                note("stopped by a signal at step \(state.step); `nmt train --resume` continues from \(directory.checkpointPath(.last))")
            }
            return false
        }
        if state.step % recipe.train.evalEvery != 0 || state.curves.dev.last?.step != state.step {
            try evaluateAndSave(saving: false)
        }
        state.finished = true
        try agreeOnRoot { try saveCheckpoint() }
        if outOfPatience {
            note("stopped early: \(state.evaluationsSinceBest) evaluations without a better dev BLEU (train.patience)")
        }
        note("finished at step \(state.step) after \(Progress.duration(state.elapsed)); best dev BLEU \(String(format1: state.bestBLEU))")
        return true
    }

    /// Whether `train.patience` evaluations in a row found no better dev BLEU (never without a
    /// dev set, whose BLEU is always 0).
    var outOfPatience: Bool {
        recipe.train.patience > 0 && translatesDev && !devReferences.isEmpty && state.evaluationsSinceBest >= recipe.train.patience
    }

    /// One optimisation step on the global batch (this rank's slice of it).
    func step(_ batch: Batch, touched: TouchedRows?) -> TrainingStep.Result {
        let result = training(batch, globalSize: recipe.train.batchSize, touched: touched,
                              dropoutSeed: UInt64(recipe.train.seed) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(state.step))
        average?.update(toward: parameters, step: state.step + 1)
        if let sampler { state.samplerState = sampler.state }
        return result
    }

    /// Runs `body` on rank 0 alone (logs, evaluation, checkpoints), the ranks agreeing on whether
    /// it failed, so that an error there (a full disk) ends every rank with its message.
    private func agreeOnRoot(_ body: () throws -> Void) throws {
        try communicator.agree { if communicator.isRoot { try body() } }
    }

    /// Evaluates (every rank) and saves `last.ckpt` (`saving`, rank 0).
    private func evaluateAndSave(saving: Bool = true) throws {
        try evaluate()
        if saving { try agreeOnRoot { try saveCheckpoint() } }
    }

    /// A batch being built (or already built): this rank's rows, and under mpirun the global
    /// batch's touched rows.
    final class PendingBatch: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var batch: Batch?
        private(set) var touched: TouchedRows?
        func fulfil(_ b: Batch, touched: TouchedRows?) { batch = b; self.touched = touched; done.signal() }
        func wait() -> Batch { done.wait(); done.signal(); return batch! }
    }

    /// Draws the next batch (this rank's slice of its rows). The saved order position is the one
    /// *before* it: a checkpoint taken while it is pending makes a resumed run draw it again
    /// rather than skip it.
    private func makeBatch(on queue: DispatchQueue? = nil) -> PendingBatch {
        state.order = order.state
        let (bucket, positions) = order.next()
        let pending = PendingBatch()
        let slice = Self.slice(rows: positions.count, rank: communicator.rank, ranks: communicator.size)
        let indices = positions.map { buckets.members[bucket][$0] }
        let build: @Sendable () -> Void = { [buckets, train, reverse = recipe.data.reverseSource, communicator] in
            let global = buckets.batch(indices, bucket: bucket, corpus: train, reverseSource: reverse)
            guard communicator.isDistributed else { return pending.fulfil(global, touched: nil) }
            pending.fulfil(global.rows(slice), touched: TouchedRows(global))
        }
        if let queue { queue.async(execute: build) } else { build() }
        return pending
    }

    /// Rank `rank`'s rows of a global batch: ⌊rows·rank/ranks⌋ ..< ⌊rows·(rank+1)/ranks⌋.
    public static func slice(rows: Int, rank: Int, ranks: Int) -> Range<Int> {
        (rows * rank / ranks)..<(rows * (rank + 1) / ranks)
    }

    // MARK: - Evaluation

    /// Dev perplexity (full softmax) and dev BLEU, of θ̄ under `train.average: ema`; keeps
    /// `best.ckpt` and the last `train.keep_checkpoints` evaluation checkpoints; decays the
    /// learning rate when dev perplexity did not improve, never below `min_learning_rate`;
    /// counts the evaluations since dev BLEU last improved; redraws `training.svg`.
    /// Under mpirun every rank measures its share and takes the same decisions from the same
    /// figures; rank 0 alone writes.
    func evaluate() throws {
        let evalStart = Clock.seconds()
        let (perplexity, bleu) = average?.substituted(into: parameters) { measureDev() } ?? measureDev()
        let improvedBLEU = bleu > state.bestBLEU
        if perplexity >= state.bestDevPerplexity {
            state.learningRate = Self.decayed(state.learningRate, settings: recipe.train)
            optimizer.learningRate = Float(state.learningRate)
        }
        state.evaluationsSinceBest = improvedBLEU ? 0 : state.evaluationsSinceBest + 1
        state.bestDevPerplexity = min(state.bestDevPerplexity, perplexity)
        state.curves.dev.append((state.step, perplexity, bleu))
        if improvedBLEU { state.bestBLEU = bleu }
        try agreeOnRoot {
            if improvedBLEU { try saveCheckpoint(to: .best) }
            try keepCheckpoint()
            let line = "step \(state.step) | dev ppl \(String(format2: perplexity)) | dev BLEU \(String(format1: bleu))"
                + (improvedBLEU ? " (best)" : "") + " | lr \(state.learningRate) | eval \(Progress.duration(Clock.seconds() - evalStart))"
            note(line)
            try appendLog(.object([("step", .int(state.step)), ("dev_perplexity", .double(perplexity)), ("dev_bleu", .double(bleu)),
                               ("best", .bool(improvedBLEU)), ("learning_rate", .double(state.learningRate))]))
            try OutputFile.write(Array(state.curves.svg(title: "\(recipe.name): training").utf8), to: directory.curvesPath)
        }
    }

    /// Dev perplexity and dev BLEU of the parameters in the store. Under mpirun each rank takes
    /// every Nth dev batch and its share of the dev translation (rank 0 gathers and scores it);
    /// every rank gets the sums and rank 0's BLEU.
    private func measureDev() -> (perplexity: Double, bleu: Double) {
        let devBuckets = Buckets(corpus: dev, shapes: buckets.shapes)
        var crossEntropy = 0.0, weight = 0.0, batchIndex = -1
        for (k, members) in devBuckets.members.enumerated() {
            for start in stride(from: 0, to: members.count, by: recipe.train.batchSize) {
                batchIndex += 1
                guard batchIndex % communicator.size == communicator.rank else { continue }
                let indices = Array(members[start..<min(members.count, start + recipe.train.batchSize)])
                let batch = devBuckets.batch(indices, bucket: k, corpus: dev, reverseSource: recipe.data.reverseSource)
                workspace.reset()
                let cache = model.forward(batch, parameters: parameters, workspace: workspace, training: false)
                let (ce, w) = batch.decoderTarget.withUnsafeBufferPointer { labels in
                    batch.targetWeights.withUnsafeBufferPointer { weights in
                        loss.evaluate(states: cache.attentionalStates, labels: labels.baseAddress!, weights: weights.baseAddress!,
                                      parameters: parameters, workspace: workspace)
                    }
                }
                crossEntropy += ce
                weight += w
            }
        }
        var bleu = 0.0
        // Greedy, as `nmt translate --beam 1` (its workspace lives only while it translates).
        var options = TranslationOptions()
        options.beam = 1
        options.threads = self.options.threads
        options.quiet = true
        options.communicator = communicator
        if translatesDev, !devReferences.isEmpty,
           let translator = try? Translator(directory: directory, model: model, parameters: parameters, options: options) {
            let sources = (0..<dev.count).map { i in Array(dev.sourceIDs[dev.sourceRange(i)]) }
            let hypotheses = translator.translate(preparedSources: sources)
            if communicator.isRoot { bleu = BLEU().corpusScore(hypotheses: hypotheses, references: [devReferences]).score }
        }
        var sums = [crossEntropy, weight, bleu]       // bleu: rank 0's, + 0 from the others
        communicator.allreduceSum(&sums)
        return (sums[1] > 0 ? exp(sums[0] / sums[1]) : .nan, sums[2])
    }

    /// The learning rate after one decay: × `decay`, never below `min_learning_rate` (nor below
    /// the initial rate, when that is lower). Without a floor, tiny.yaml's rate halved at almost
    /// every evaluation down to 1e-36.
    static func decayed(_ rate: Double, settings: Recipe.TrainSettings) -> Double {
        max(rate * settings.decay, min(settings.minLearningRate, settings.learningRate))
    }

    // MARK: - Checkpoints and logs

    func saveCheckpoint(to choice: ModelDirectory.CheckpointChoice = .last) throws {
        var checkpoint = Checkpoint()
        checkpoint.texts.append(("recipe", recipe.yaml))
        directory.stamp(&checkpoint, layout: layout)
        state.save(into: &checkpoint)
        checkpoint.tensors.append(("parameters", translationParameters))
        if average != nil && choice == .last { checkpoint.tensors.append((ExponentialMovingAverage.trainingSection, parameters.values)) }
        optimizer.save(into: &checkpoint)
        try checkpoint.write(to: directory.checkpointPath(choice))
    }

    private func logInterval(loss: Double, tokens: Double, seconds: Double, maxSeconds: Double, maxSteps: Int) throws {
        let perplexity = tokens > 0 ? exp(loss / tokens) : .nan
        let rate = tokens / max(seconds, 1e-9)
        let perStep = state.elapsed / Double(max(state.step, 1))
        let left = min(maxSeconds - state.elapsed, maxSteps == Int.max ? .infinity : Double(maxSteps - state.step) * perStep)
        state.curves.train.append((state.step, perplexity))
        note("step \(state.step) | epoch \(String(format2: order.epoch)) | lr \(state.learningRate) | train ppl \(String(format2: perplexity))"
             + " | \(Progress.group(Int(rate))) tok/s | \(Progress.duration(state.elapsed)) elapsed | \(Progress.duration(max(0, left))) left")
        try appendLog(.object([("step", .int(state.step)), ("epoch", .double(order.epoch)), ("learning_rate", .double(state.learningRate)),
                           ("train_perplexity", .double(perplexity)), ("target_tokens_per_second", .double(rate)),
                           ("elapsed_seconds", .double(state.elapsed)), ("remaining_seconds", .double(max(0, left)))]))
    }

    /// One line more in `log.jsonl`, with `"ranks": N` under mpirun; a failed write stops the run
    /// like a failed checkpoint.
    private func appendLog(_ entry: JSON) throws {
        var entry = entry
        if communicator.isDistributed, case .object(let fields) = entry { entry = .object(fields + [("ranks", .int(communicator.size))]) }
        try OutputFile.append(Array((entry.rendered() + "\n").utf8), to: directory.logPath)
    }

    private func note(_ line: String) {
        if !options.quiet && communicator.isRoot { FileSystem.printError("train: " + line) }
    }
}

public enum TrainingError: UserError, Equatable {
    case noPairsFit(path: String, line: Int?)
    case noTrainingPairs
    case batchSmallerThanRanks(path: String, batchSize: Int, ranks: Int)

    public var description: String {
        switch self {
        case .noTrainingPairs:
            return "no training pairs are left after preparation (see report.json in the prepared data for why they were dropped)"
        case .batchSmallerThanRanks(let path, let batchSize, let ranks):
            return "\(path): train.batch_size \(batchSize) is smaller than the \(ranks) ranks it is shared among; use fewer ranks"
        case .noPairsFit(let path, let line):
            return "\(path)\(line.map { ":\($0)" } ?? ""): no training pair fits data.buckets; raise the bucket sizes"
        }
    }
}

extension String {
    /// "12.3"
    init(format1 x: Double) { self = x.isFinite ? String((x * 10).rounded() / 10) : "\(x)" }
    /// "12.34"
    init(format2 x: Double) { self = x.isFinite ? String((x * 100).rounded() / 100) : "\(x)" }
}
