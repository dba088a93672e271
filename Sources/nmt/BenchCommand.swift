#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Data
import IO
import Loss
import Model
import ModelFiles
import MPI
import Tensor
import Train

/// `nmt bench`: the speed of the compute core on the TF peer's synthetic batches, one JSON line
/// with the peer's keys (`shared/peers/tf_seq2seq.py train|translate`), so the two can be run
/// alternately and compared (`Benchmarks/compare-train.sh`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training and decoding on synthetic inputs, as the TensorFlow peer does.",
        subcommands: [BenchTrainCommand.self, BenchTranslate.self])
}

extension LossKind: ExpressibleByArgument {}

/// `nmt bench train`: Adam 1e-3 with global-norm clipping at 5 on 8 synthetic batches cycled,
/// after 2 untimed warm-up steps (the peer traces its `tf.function` there; we fill the workspace).
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time training steps on the peer's synthetic batches; print one JSON line.",
        discussion: """
            Config S: embedding 256, hidden 256, 1 layer, vocabularies 8000/8000. Config M: 512, 512, \
            2 layers, 32000/32000. Both: batch 64, general attention, input feeding, Adam 1e-3, clipping \
            at 5, buckets of 20 source and 25 target positions. Prints target_tokens, seconds, \
            tokens_per_second and peak_rss_mb (plus the settings and GFLOPS of the useful products). \
            Under mpirun each rank takes its slice of every batch (data-parallel, as nmt train), and \
            rank 0 adds ranks and, per step, compute_seconds, allreduce_seconds (the exchange \
            thread in MPI_Allreduce), allreduce_wait_seconds (not hidden behind the backward pass) \
            and allreduce_bytes.
            """)

    @Option(name: .long, help: "Model size: S or M.")
    var config: BenchConfiguration

    @Option(name: .long, help: "full (softmax over the vocabulary) or sampled (512 log-uniform candidates).")
    var loss: LossKind

    @Option(name: .long, parsing: .unconditional, help: "Timed steps (after 2 warm-up steps), \(OptionBounds.text(OptionBounds.benchSteps)).")
    var steps: Int = 20

    @Option(name: .long, parsing: .unconditional, help: "BLAS threads (the peer's default is 2), at least 1, capped at the cores.")
    var threads: Int = 2

    @Option(name: .customLong("num-sampled"), parsing: .unconditional,
            help: "Candidates of the sampled softmax, 1 to the vocabulary less 1 (7999 for S, 31999 for M).")
    var numSampled: Int = 512

    @Option(name: .long, parsing: .unconditional, help: "Seed of the batches, the parameters and the sampler, \(OptionBounds.text(OptionBounds.seed)).")
    var seed: Int = 1

    func validate() throws {
        try OptionBounds.check("--steps", steps, in: OptionBounds.benchSteps)
        try OptionBounds.check("--threads", threads, in: OptionBounds.threads)
        try OptionBounds.check("--num-sampled", numSampled, in: 1...(config.vocabulary - 1))
        try OptionBounds.check("--seed", seed, in: OptionBounds.seed)
    }

    func run() throws {
        GEMM.threads = min(threads, ParallelLines.defaultThreads)
        let c = config
        let seed = UInt64(self.seed)
        let (model, store) = c.model(seed: seed)
        let tokenLoss: any TokenLoss = switch loss {
        case .full: SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias)
        case .sampled: SampledSoftmax(weight: model.outputWeight, bias: model.outputBias, numSampled: numSampled,
                                      sampler: LogUniformSampler(rangeMax: c.vocabulary, seed: seed))
        }
        let optimizer = Adam(learningRate: 1e-3)
        let batches = SyntheticBatches.batches(count: 8, size: c.batchSize, sourceVocabulary: c.vocabulary,
                                               targetVocabulary: c.vocabulary, seed: seed)
        let workspace = Workspace()
        let world = Communicator.world
        guard c.batchSize >= world.size else {
            throw ValidationError("a batch of \(c.batchSize) cannot be shared among \(world.size) ranks")
        }
        let slices = batches.map { $0.rows(Trainer.slice(rows: $0.size, rank: world.rank, ranks: world.size)) }
        let touched = batches.map { world.isDistributed ? TouchedRows($0) : nil }

        /// One step: zero, forward, loss, backward, clip at 5, Adam (this rank's slice of the batch).
        let step = TrainingStep(model: model, loss: tokenLoss, optimizer: optimizer, parameters: store, workspace: workspace,
                                maxGradientNorm: 5, communicator: world)

        for i in 0..<2 { _ = step(slices[i], globalSize: c.batchSize, touched: touched[i]) }
        world.barrier()
        let before = step.exchangeTotals
        let flops = TrainingFlops(embedding: c.embedding, hidden: c.hidden, layers: c.layers, targetVocabulary: c.vocabulary,
                                  numSampled: loss == .sampled ? numSampled : nil)
        var tokens = 0, work = 0.0, lastLoss = 0.0
        let start = ContinuousClock.now
        for i in 0..<steps {
            let batch = batches[i % batches.count]
            lastLoss = step(slices[i % batches.count], globalSize: c.batchSize, touched: touched[i % batches.count]).loss
            tokens += batch.targetTokenCount
        }
        let elapsed = start.duration(to: .now)
        guard world.isRoot else { return }
        for i in 0..<steps { work += flops.step(batches[i % batches.count]) }
        let seconds = BenchMeasures.seconds(elapsed)

        var fields: [(String, JSON)] = [
            ("target_tokens", .int(tokens)), ("seconds", .double(seconds)),
            ("tokens_per_second", .double(Double(tokens) / seconds)), ("peak_rss_mb", .double(BenchMeasures.peakResidentMegabytes())),
            ("mode", .string("train")), ("config", .string(c.rawValue)), ("loss", .string(loss.rawValue)),
            ("steps", .int(steps)), ("threads", .int(threads)),
        ]
        if loss == .sampled { fields.append(("num_sampled", .int(numSampled))) }
        fields += [("last_loss", .double(lastLoss)), ("flops_per_token", .double((work / Double(tokens)).rounded())),
                   ("gflops", .double(work / seconds / 1e9))]
        if let before, let after = step.exchangeTotals {
            let n = Double(steps), waited = (after.waited - before.waited) / n
            fields += [("ranks", .int(world.size)), ("compute_seconds", .double(seconds / n - waited)),
                       ("allreduce_seconds", .double((after.seconds - before.seconds) / n)), ("allreduce_wait_seconds", .double(waited)),
                       ("allreduce_bytes", .int((after.bytes - before.bytes) / steps))]
        }
        try OutputFile.standardOutput.write(Array((JSON.object(fields).rendered() + "\n").utf8))
    }
}
