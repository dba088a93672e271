/// How training averages the parameters it translates with, the recipe key `train.average`.
///
/// - `none`: dev evaluation, `best.ckpt` and translation use the optimizer's parameters θ;
/// - `ema`: they use an exponential moving average θ̄ of θ over the steps (Marian's
///   `--exponential-smoothing`), with decay `train.ema_decay`.
public enum AverageKind: String, Sendable, CaseIterable {
    case none
    case ema
}
