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

    /// Reads the state back; nil when the checkpoint lacks it or it does not fit `buckets` buckets.
    public init?(checkpoint: Checkpoint, buckets: Int) {
        guard let step = checkpoint.integers("step")?.first, let order = checkpoint.integers("order"),
              order.count == 2 + 2 * buckets, let sampler = checkpoint.integers("sampler")?.first,
              let scalars = checkpoint.integers("scalars"), scalars.count == 4 else { return nil }
        self.init(order: BatchOrder.State(random: order[0], passes: order[2..<(2 + buckets)].map { Int($0) },
                                          cursors: order[(2 + buckets)...].map { Int($0) }, pairsRead: Int(order[1])),
                  learningRate: Double(bitPattern: scalars[0]))
        self.step = Int(step)
        samplerState = sampler
        bestBLEU = Double(bitPattern: scalars[1])
        bestDevPerplexity = Double(bitPattern: scalars[2])
        elapsed = Double(bitPattern: scalars[3])
        finished = checkpoint.integers("finished")?.first == 1
        // Absent from checkpoints written before `train.patience` existed: none counted yet.
        evaluationsSinceBest = Int(min(checkpoint.integers("evaluations_since_best")?.first ?? 0, 1_000_000))
        for line in (checkpoint.text("train_curve") ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 2, let s = Int(f[0]), let p = Double(f[1]) { curves.train.append((s, p)) }
        }
        for line in (checkpoint.text("dev_curve") ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 3, let s = Int(f[0]), let p = Double(f[1]), let b = Double(f[2]) { curves.dev.append((s, p, b)) }
        }
    }
}
