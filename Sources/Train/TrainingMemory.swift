import IO
import Loss
import Model
import ModelFiles
import Tensor

/// An upper bound on the memory `nmt train` allocates for a recipe, within about a factor of 2,
/// computed from the shapes alone (nothing is allocated), so that a model too large for the
/// machine is one error line before training starts rather than SIGILL in `FloatBuffer.init`.
///
/// In floats (P parameters; the largest bucket's S source and T target positions; batch B; E, H,
/// L, Vt from the model; `Workspace` keeps the largest step's blocks):
/// - parameters and gradients 2P, Adam's moments 2P, the moving average θ̄ P under
///   `train.average: ema`; resuming reads `last.ckpt` (3P floats of file, 3P of tensors, one P
///   more of each with θ̄) while they exist;
/// - a step's workspace (forward and backward together): per encoder row (B·S) and layer the
///   LSTM cache (input + H, 4H gates, c, tanh c, h), per decoder row (B·T) the same plus the
///   attention's a_t (S), [c; h] (2H), h̃ (H); the loss's logits B·T·Vt for the full softmax
///   (B·T·(k + 1) for the sampled one, plus k·H candidate weights), and dev perplexity's blocks;
/// - dev BLEU's greedy decode: `Seq2Seq.Inference` over 64 rows and its table of embedding gates.
public enum TrainingMemory {
    /// Bytes, from the recipe and the model's vocabulary sizes.
    public static func bytes(recipe: Recipe, configuration: Seq2SeqConfiguration, resuming: Bool) -> Double {
        var layout = ParameterLayout()
        _ = Seq2Seq(configuration: configuration, layout: &layout)
        let P = Double(layout.count)
        let B = Double(recipe.train.batchSize)
        let S = Double(recipe.data.buckets.map { $0[0] }.max() ?? recipe.data.maxLength)
        let T = Double(recipe.data.buckets.map { $0[1] }.max() ?? recipe.data.maxLength) + 1

        let optimizerFloats: Double = switch recipe.train.optimizer {
        case .adam: 2 * P              // m and v
        case .sgd: 0
        }
        let averageFloats: Double = recipe.train.average == .ema ? P : 0      // θ̄
        var floats = 2 * P + optimizerFloats + averageFloats
        if resuming { floats += 6 * P + 2 * averageFloats }
        floats += stepFloats(configuration: configuration, batch: B, sourceLength: S, targetLength: T,
                             numSampled: recipe.train.loss == .sampled ? recipe.train.numSampled : nil)
        floats += Double(1 << 22)        // the last of `Workspace`'s blocks, partly used
        floats += Seq2Seq.Inference.floats(configuration: configuration, rows: 64, sentences: 64, sourceLength: Int(S))
        return 4 * floats
    }

    /// The floats of one training step's workspace (forward, loss, backward) over a batch of
    /// B pairs of S source and T target positions; `numSampled` nil for the full softmax.
    static func stepFloats(configuration: Seq2SeqConfiguration, batch B: Double, sourceLength S: Double, targetLength T: Double,
                           numSampled: Int?) -> Double {
        let E = Double(configuration.embedding), H = Double(configuration.hidden), L = Double(configuration.layers)
        let V = Double(configuration.targetVocabularySize)
        // LSTM cache per row and layer: (input + H) + 4H + 3H, input E below and H above.
        let lstm = (E + 9 * H) + (L - 1) * 9 * H
        // A bidirectional first layer reads E once more (the reversed copy) and joins [h→; h←];
        // a residual layer keeps h + x beside h.
        let bidirectional = configuration.encoder == .bi ? E + H : 0
        let residual = configuration.residual ? max(0, L - 2) * H : 0
        let encoder = B * S * (lstm + 2 * H + E + bidirectional + residual)   // + h̄, keys, dropout masks
        let decoder = B * T * (lstm + H + S + 2 * H + H + 2 * H + residual)   // + input feeding, a_t, [c; h], h̃, dh̃
        let loss: Double
        if let numSampled {
            let k = Double(min(numSampled, configuration.targetVocabularySize))
            loss = B * T * (k + 1 + 3 * H) + 2 * k * H
        } else {
            loss = B * T * (V + 2 * H)
        }
        let evaluation = Double(SampledSoftmax.evaluationRows) * (V + H)
        // Measured (`TrainingMemoryTests`, config S at batch 64): the workspace of a whole step
        // is 0.7 to 0.8 of this; backward's buffers reuse what forward no longer needs.
        return encoder + decoder + loss + evaluation
    }
}
