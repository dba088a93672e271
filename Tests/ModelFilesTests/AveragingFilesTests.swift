import ModelFiles
import Tensor
import Testing

/// The recipe keys of parameter averaging, the names of kept checkpoints and the arithmetic of
/// `nmt average` (the command itself: `NmtTests/AveragingTests`).
@Suite struct AveragingFilesTests {
    @Test(arguments: [
        ("train: {ema_decay: 1}\n", "r.yaml:1: train.ema_decay must be in (0.0, 1.0), not 1"),
        ("train: {ema_decay: 0}\n", "r.yaml:1: train.ema_decay must be in (0.0, 1.0), not 0"),
        ("train: {average: swa}\n", "r.yaml:1: train.average must be one of none, ema, not 'swa'"),
        ("train: {keep_checkpoints: 101}\n", "r.yaml:1: train.keep_checkpoints must be in 0...100, not 101"),
        ("train: {keep_checkpoints: -1}\n", "r.yaml:1: train.keep_checkpoints must be in 0...100, not -1"),
    ])
    func badKeysNameTheKeyAndLine(text: String, expected: String) {
        #expect(throws: (any Error).self) { try Recipe(yaml: text, path: "r.yaml") }
        do { _ = try Recipe(yaml: text, path: "r.yaml") } catch {
            #expect("\(error)" == expected)
        }
    }

    @Test func keysRoundTripWithMarianDefaults() throws {
        #expect(Recipe().train.average == .none && Recipe().train.emaDecay == 0.9999 && Recipe().train.keepCheckpoints == 0)
        let recipe = try Recipe(yaml: "train: {average: ema, ema_decay: 0.999, keep_checkpoints: 5}\n", path: "r.yaml")
        #expect(recipe.train.average == .ema && recipe.train.emaDecay == 0.999 && recipe.train.keepCheckpoints == 5)
        for line in ["  average: ema\n", "  ema_decay: 0.999\n", "  keep_checkpoints: 5\n"] {
            #expect(recipe.yaml.contains(line), "\(line) missing from config.yaml")
        }
        #expect(try Recipe(yaml: recipe.yaml, path: "config.yaml") == recipe)
    }

    @Test func keptCheckpointNames() {
        #expect(KeptCheckpoints.fileName(step: 123) == "step-000123.ckpt")
        #expect(KeptCheckpoints.fileName(step: 12_345_678) == "step-12345678.ckpt")
        #expect(KeptCheckpoints.step(ofFileName: "step-000123.ckpt") == 123)
        #expect(KeptCheckpoints.step(ofFileName: "step-12345678.ckpt") == 12_345_678)
        for other in ["step-1.ckpt", "step-0001234.ckpt", "step-00012a.ckpt", "step-000123.ckpt.tmp-5", "best.ckpt",
                      "step-+00123.ckpt", "step-.ckpt", "step-٠٠٠١٢٣.ckpt"] {
            #expect(KeptCheckpoints.step(ofFileName: other) == nil, "\(other)")
        }
    }

    func buffer(_ values: [Float]) -> FloatBuffer {
        let b = FloatBuffer(count: values.count)
        for (k, x) in values.enumerated() { b.pointer[k] = x }
        return b
    }

    func array(_ b: FloatBuffer) -> [Float] { (0..<b.count).map { b.pointer[$0] } }

    /// By hand: (1 + 3)/2 = 2, (2 − 2)/2 = 0, (−3 + 1)/2 = −1, (0.5 + 0.25)/2 = 0.375, and
    /// (1 + 2 + 4)/3 = 7/3 rounded once to Float.
    @Test func meanByHand() {
        #expect(array(CheckpointAverage.mean(of: [buffer([1, 2, -3, 0.5]), buffer([3, -2, 1, 0.25])])) == [2, 0, -1, 0.375])
        #expect(array(CheckpointAverage.mean(of: [buffer([1]), buffer([2]), buffer([4])])) == [Float(7.0 / 3)])
    }

    /// N copies of a buffer average to it bit for bit: −0, the smallest subnormal, the largest
    /// Float (whose sum overflows Float, not Double), values that are not sums of few bits.
    @Test func meanOfCopiesIsTheCopy() {
        let values: [Float] = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                               0.1, -1.0 / 3, 3.4e-20, 123_456.79]
        for n in [1, 2, 3, 7, 100] {
            let mean = array(CheckpointAverage.mean(of: Array(repeating: buffer(values), count: n)))
            #expect(mean.map(\.bitPattern) == values.map(\.bitPattern), "\(n) copies")
        }
    }
}
