import Data
import IO
import ModelFiles

/// Everything about a run besides the parameters and the optimiser's moments that `--resume`
/// needs to continue exactly: the step, the data order's position, the sampler's generator, the
/// learning rate after decays, the best scores so far, the time spent and the curves.
public struct TrainingState: Sendable, Equatable {
    public var step = 0
    public var order: BatchOrder.State
    public var samplerState: UInt64 = 0
    public var learningRate: Double
    public var bestBLEU = -1.0
    public var bestDevPerplexity = Double.infinity
    /// Seconds of training so far, over every run of this model (`max_minutes` counts them all).
    public var elapsed = 0.0
    public var finished = false
    /// Evaluations since dev BLEU last improved (`train.patience` stops training when it gets there).
    public var evaluationsSinceBest = 0
    public var curves = TrainingCurves()

    public init(order: BatchOrder.State, learningRate: Double) {
        self.order = order
        self.learningRate = learningRate
    }

    public static func == (a: TrainingState, b: TrainingState) -> Bool {
        a.step == b.step && a.order == b.order && a.samplerState == b.samplerState && a.learningRate == b.learningRate
            && a.bestBLEU == b.bestBLEU && a.bestDevPerplexity == b.bestDevPerplexity && a.finished == b.finished
            && a.evaluationsSinceBest == b.evaluationsSinceBest
    }

    /// Adds this state to a checkpoint.
    public func save(into checkpoint: inout Checkpoint) {
        checkpoint.integers.append(("step", [UInt64(step)]))
        checkpoint.integers.append(("order", [order.random, UInt64(order.pairsRead)] + order.passes.map(UInt64.init) + order.cursors.map(UInt64.init)))
        checkpoint.integers.append(("sampler", [samplerState]))
        checkpoint.integers.append(("scalars", [learningRate.bitPattern, bestBLEU.bitPattern, bestDevPerplexity.bitPattern, elapsed.bitPattern]))
        checkpoint.integers.append(("finished", [finished ? 1 : 0]))
        checkpoint.integers.append(("evaluations_since_best", [UInt64(evaluationsSinceBest)]))
        checkpoint.texts.append(("train_curve", curves.train.map { "\($0.step) \($0.perplexity)" }.joined(separator: "\n")))
        checkpoint.texts.append(("dev_curve", curves.dev.map { "\($0.step) \($0.perplexity) \($0.bleu)" }.joined(separator: "\n")))
    }

    /// Reads the state back for a run over buckets of `bucketSizes` pairs, every count and size
    /// checked before use (`path` names the file in errors).
    /// - Throws: `CheckpointError.foreign` when the checkpoint holds no state for these buckets,
    ///   `CheckpointError.badSection` for a section that cannot be what `save` wrote.
    public init(checkpoint: Checkpoint, bucketSizes sizes: [Int], path: String) throws {
        let buckets = sizes.count
        guard let step = try checkpoint.count("step", path: path), let order = checkpoint.integers("order"),
              order.count == 2 + 2 * buckets, let sampler = try checkpoint.integers("sampler", count: 1, path: path),
              let scalars = try checkpoint.integers("scalars", count: 4, path: path) else {
            throw CheckpointError.foreign(path: path, reason: "it holds no training state for these buckets")
        }
        // order: the generator, pairs read, then per bucket the pass and the cursor within it.
        let passes = try order[2..<(2 + buckets)].map { try Checkpoint.count($0, section: "order", path: path) }
        let cursors = try order[(2 + buckets)...].map { try Checkpoint.count($0, section: "order", path: path) }
        for (k, cursor) in cursors.enumerated() where cursor > sizes[k] {
            throw CheckpointError.badSection(path: path, name: "order",
                                             reason: "puts bucket \(k + 1)'s cursor at \(cursor), past its \(sizes[k]) pair\(sizes[k] == 1 ? "" : "s")")
        }
        self.init(order: BatchOrder.State(random: order[0], passes: passes, cursors: cursors,
                                          pairsRead: try Checkpoint.count(order[1], section: "order", path: path)),
                  learningRate: Double(bitPattern: scalars[0]))
        self.step = step
        samplerState = sampler[0]
        bestBLEU = Double(bitPattern: scalars[1])
        bestDevPerplexity = Double(bitPattern: scalars[2])
        elapsed = Double(bitPattern: scalars[3])
        // Printed as durations and compared with limits: finite, and the elapsed time a count of seconds.
        guard learningRate.isFinite && learningRate >= 0 && (0...Double(Checkpoint.countLimit)).contains(elapsed) else {
            throw CheckpointError.badSection(path: path, name: "scalars",
                                             reason: "holds learning rate \(learningRate) and elapsed time \(elapsed) s")
        }
        finished = checkpoint.integers("finished")?.first == 1
        // Absent from checkpoints written before `train.patience` existed: none counted yet.
        evaluationsSinceBest = Int(min(checkpoint.integers("evaluations_since_best")?.first ?? 0, 1_000_000))
        // A curve point lies between step 0 and the checkpoint's step; BLEU is in [0, 100] (the
        // plot's axes are drawn from them). Lines that do not parse are skipped, as they always were.
        for line in (checkpoint.text("train_curve") ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 2, let s = Int(f[0]), let p = Double(f[1]) else { continue }
            guard (0...step).contains(s) else { throw Self.badPoint("train_curve", step: s, last: step, path: path) }
            curves.train.append((s, p))
        }
        for line in (checkpoint.text("dev_curve") ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 3, let s = Int(f[0]), let p = Double(f[1]), let b = Double(f[2]) else { continue }
            guard (0...step).contains(s) else { throw Self.badPoint("dev_curve", step: s, last: step, path: path) }
            guard (0...100).contains(b) else {
                throw CheckpointError.badSection(path: path, name: "dev_curve", reason: "holds BLEU \(f[2]) at step \(s)")
            }
            curves.dev.append((s, p, b))
        }
    }

    private static func badPoint(_ name: String, step: Int, last: Int, path: String) -> CheckpointError {
        .badSection(path: path, name: name, reason: "holds a point at step \(step), outside 0...\(last)")
    }
}
