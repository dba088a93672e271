/// The training loss, the recipe key `train.loss`.
///
/// - `full`: cross-entropy over the whole target vocabulary;
/// - `sampled`: Jean et al. (2015)'s sampled softmax over `train.num_sampled` log-uniform
///   candidates V′ plus the batch's targets (dev perplexity is always the full softmax's).
public enum LossKind: String, Sendable, CaseIterable {
    case full
    case sampled
}
