import ModelFiles
import Tensor

extension Trainer {
    /// What translation uses: θ̄ under `train.average: ema`, else θ. `best.ckpt` and the kept
    /// checkpoints store it as their `parameters`, and so does `last.ckpt` (with θ beside it).
    var translationParameters: FloatBuffer { average?.average ?? parameters.values }

    /// Writes this evaluation's `step-N.ckpt` and removes those beyond the newest
    /// `train.keep_checkpoints` (nothing when it is 0).
    func keepCheckpoint() throws {
        let count = recipe.train.keepCheckpoints
        guard count > 0 else { return }
        var checkpoint = Checkpoint()
        checkpoint.texts.append(("recipe", recipe.yaml))
        directory.stamp(&checkpoint, layout: layout)
        checkpoint.integers.append(("step", [UInt64(state.step)]))
        checkpoint.tensors.append(("parameters", translationParameters))
        try checkpoint.write(to: directory.path + "/" + KeptCheckpoints.fileName(step: state.step))
        KeptCheckpoints.prune(in: directory.path, keeping: count)
    }
}
