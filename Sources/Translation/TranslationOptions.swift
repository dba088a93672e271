import Decode
import IO
import MPI
import Tensor

/// The settings of `nmt translate`; `Translator` fills what is left nil from the model's recipe.
public struct TranslationOptions: Sendable {
    /// K (1: greedy). nil: the recipe's `decode.beam`.
    public var beam: Int?
    /// Sentences decoded together (each with K rows).
    public var batchSize = 64
    /// Print `i ||| hypothesis ||| score` lines, the N best of each input line, instead of text.
    public var nBest: Int?
    /// α of the GNMT length penalty. nil: the recipe's `decode.length_penalty`.
    public var lengthPenalty: Double?
    /// nil: the recipe's `decode.max_length_ratio`.
    public var maxLengthRatio: Double?
    /// Replace each `<unk>` of the output by the source token it attends to most.
    public var replaceUnknown = false
    /// Write an SVG attention map for each of the first `attentionLimit` lines here.
    public var attentionDirectory: String?
    public var attentionLimit = 20
    /// Draw each token from softmax(logits / T) instead of searching (`--sample`); T = 0 is
    /// greedy search. Takes no beam and no n-best.
    public var sampling: Sampling?
    /// The arithmetic of the decoder's products: fp32 (OpenBLAS) or int8 (oneDNN), resolved for
    /// this CPU (`ReducedPrecisionCPU.resolve`) before it comes here.
    public var precision = Precision.fp32
    /// Threads for pre- and postprocessing.
    public var threads = ParallelLines.defaultThreads
    /// No progress lines on standard error.
    public var quiet = false
    /// The ranks that share the work (`nmt translate` under mpirun): each decodes its share of
    /// the batches, rank 0 reads the input and writes the output and progress.
    public var communicator = Communicator.single

    public init() {}
}
