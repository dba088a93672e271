#if canImport(Glibc)
import Glibc
#endif

/// The length penalty of Wu et al. 2016 (GNMT, eq. 14): lp(Y) = ((5 + |Y|) / 6)^α, a hypothesis
/// scored log P(Y|X) / lp(Y). α = 0 gives lp = 1, the raw log-probability, which favours short
/// outputs; α = 1 divides by roughly the length. |Y| counts the tokens and the final `<eos>`.
///
/// α ≥ 0 makes lp grow with |Y|, so an open hypothesis of log-probability p ≤ 0 can end, at best,
/// with p / lp(longest allowed |Y|): the bound beam search stops on (`bound(logProbability:maximumLength:)`).
public struct LengthPenalty: Sendable, Hashable {
    /// α.
    public let alpha: Double

    /// - Precondition: α ≥ 0 (a negative α would reward length without bound).
    public init(alpha: Double) {
        precondition(alpha >= 0 && alpha.isFinite, "length penalty α = \(alpha) must be finite and at least 0")
        self.alpha = alpha
    }

    /// lp(|Y|) = ((5 + |Y|) / 6)^α.
    @inlinable public func callAsFunction(_ length: Int) -> Double {
        alpha == 0 ? 1 : pow((5 + Double(length)) / 6, alpha)
    }

    /// log P / lp(|Y|): the score hypotheses are ranked by.
    @inlinable public func score(logProbability: Double, length: Int) -> Double {
        logProbability / self(length)
    }

    /// The best score a hypothesis of log-probability `logProbability` (≤ 0) can still reach when it
    /// may grow to `maximumLength`: its log-probability only falls, and lp only grows.
    @inlinable public func bound(logProbability: Double, maximumLength: Int) -> Double {
        logProbability / self(maximumLength)
    }
}
