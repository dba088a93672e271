/// What a search may do: its width, its scoring, how long outputs may grow, what it records.
public struct SearchOptions: Sendable {
    /// K, hypotheses kept per sentence (1: greedy).
    public var beam: Int
    /// The GNMT length penalty α (0: raw log-probability).
    public var lengthPenalty: LengthPenalty
    /// An output has at most ⌈ratio · |x|⌉ tokens before its `<eos>` (|x| the source's tokens);
    /// at that length `<eos>` is the only choice left.
    public var maxLengthRatio: Double
    /// When set, every sentence may have this many tokens before `<eos>`, whatever its length
    /// (`nmt bench translate` decodes as long as the peer, whose loop runs a fixed count of steps).
    public var fixedMaximumTokens: Int?
    /// Hypotheses returned per sentence, best first (at most `beam`).
    public var nBest: Int
    /// Feed sources reversed, as the model was trained (`data.reverse_source`).
    public var reverseSource: Bool
    /// Record every a_t of the returned hypotheses (`Hypothesis.alignments`, for attention maps).
    public var keepAlignments: Bool

    public init(beam: Int = 5, lengthPenalty: Double = 1, maxLengthRatio: Double = 2, fixedMaximumTokens: Int? = nil,
                nBest: Int = 1, reverseSource: Bool = true, keepAlignments: Bool = false) {
        precondition(beam >= 1, "beam size \(beam) below 1")
        precondition(nBest >= 1 && nBest <= beam, "n-best \(nBest) outside 1...\(beam)")
        precondition(maxLengthRatio > 0 && maxLengthRatio.isFinite, "max length ratio \(maxLengthRatio) must be positive")
        precondition(fixedMaximumTokens.map { $0 >= 0 } ?? true, "a negative maximum length")
        self.beam = beam
        self.lengthPenalty = LengthPenalty(alpha: lengthPenalty)
        self.maxLengthRatio = maxLengthRatio
        self.fixedMaximumTokens = fixedMaximumTokens
        self.nBest = nBest
        self.reverseSource = reverseSource
        self.keepAlignments = keepAlignments
    }

    /// T: the most tokens before `<eos>` for a source of `sourceLength` tokens (at least 1).
    public func maximumTokens(sourceLength: Int) -> Int {
        if let fixedMaximumTokens { return fixedMaximumTokens }
        return max(1, Int((maxLengthRatio * Double(sourceLength)).rounded(.up)))
    }
}
