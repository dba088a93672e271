import IO

/// A BLEU score with its sufficient statistics, as sacrebleu's `BLEUScore` holds them.
public struct BLEUScore: MetricScore, Equatable {
    public var name: String { "BLEU" }
    public let score: Double
    /// Matched n-grams per order (1-4), clipped by the reference counts. With `add-k` smoothing
    /// orders 2-4 include the k added, as in sacrebleu.
    public let counts: [Int]
    /// Hypothesis n-grams per order (with `add-k`'s k on orders 2-4).
    public let totals: [Int]
    /// Per-order precisions in percent, after smoothing; 0 past the last order with n-grams.
    public let precisions: [Double]
    /// The brevity penalty, min(1, exp(1 - refLen / sysLen)).
    public let bp: Double
    /// Hypothesis words (after tokenization), summed over segments.
    public let sysLen: Int
    /// For each segment the reference length closest to the hypothesis' (the shorter on a tie), summed.
    public let refLen: Int

    public init(score: Double, counts: [Int], totals: [Int], precisions: [Double], bp: Double, sysLen: Int, refLen: Int) {
        self.score = score
        self.counts = counts
        self.totals = totals
        self.precisions = precisions
        self.bp = bp
        self.sysLen = sysLen
        self.refLen = refLen
    }

    /// sysLen / refLen, or 0 when there is no reference word.
    public var ratio: Double { refLen > 0 ? Double(sysLen) / Double(refLen) : 0 }

    /// `67.6/43.7/30.4/21.5 (BP = 0.987 ratio = 0.987 hyp_len = 123 ref_len = 125)`.
    public var verbose: String {
        let precisionText = precisions.map { fixed($0, digits: 1) }.joined(separator: "/")
        return "\(precisionText) (BP = \(fixed(bp, digits: 3)) ratio = \(fixed(ratio, digits: 3)) "
            + "hyp_len = \(sysLen) ref_len = \(refLen))"
    }

    public var statistics: [(String, JSON)] {
        [("counts", .array(counts.map { .int($0) })), ("totals", .array(totals.map { .int($0) })),
         ("precisions", .array(precisions.map { .double($0) })), ("bp", .double(bp)),
         ("sys_len", .int(sysLen)), ("ref_len", .int(refLen)), ("ratio", .double(ratio))]
    }
}
