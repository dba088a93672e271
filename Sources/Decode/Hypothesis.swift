/// One translation of a sentence found by `GreedySearch` or `BeamSearch`.
public struct Hypothesis: Sendable, Equatable {
    /// y1 … yn, without the final `<eos>`.
    public var tokens: [Int32]
    /// log P(y1 … yn `<eos>` | x) under the model (full softmax).
    public var logProbability: Double
    /// logProbability / lp(n + 1): what the search ranks hypotheses by (`LengthPenalty`).
    public var score: Double
    /// For each token, the source position (an index into the source as given, reading order)
    /// that its attention weighed most when it was chosen: what `--replace-unk` copies.
    public var attendedSource: [Int]
    /// With `SearchOptions.keepAlignments`: a_t of each token and of the final `<eos>`,
    /// [(n + 1) × |x|] row-major, columns in the source's reading order; else empty.
    public var alignments: [Float]

    public init(tokens: [Int32], logProbability: Double, score: Double, attendedSource: [Int], alignments: [Float] = []) {
        self.tokens = tokens
        self.logProbability = logProbability
        self.score = score
        self.attendedSource = attendedSource
        self.alignments = alignments
    }

    /// The translation of an empty source: nothing, with probability 1.
    public static let empty = Hypothesis(tokens: [], logProbability: 0, score: 0, attendedSource: [])
}
