#if canImport(Glibc)
import Glibc
#endif
import IO

/// The Zipf (zeta) distribution: P(k) = k^(−a) / ζ(a) for k = 1, 2, …, with exponent a > 1.
///
/// Sampled by Devroye's rejection method (Non-Uniform Random Variate Generation, 1986, X.6.1),
/// the algorithm numpy's `Generator.zipf` uses: draw X = ⌊U^(−1/(a−1))⌋, a Pareto variate rounded
/// down, and accept it with probability proportional to the ratio of the Zipf pmf to the
/// envelope's. The stream differs from numpy's (another generator), the distribution is the same.
/// Like numpy, a candidate beyond `Int.max` is rejected, so the law is conditioned on k < 2⁶³
/// (a change of order 1e-4 in the far tail for a = 1.2, invisible once ids are clipped to a
/// vocabulary).
public struct Zipf: Sendable {
    /// a > 1.
    public let exponent: Double
    private let exponentMinusOne: Double     // a − 1
    private let b: Double                    // 2^(a−1)

    public init(exponent: Double) {
        precondition(exponent > 1, "Zipf needs an exponent above 1, got \(exponent)")
        self.exponent = exponent
        exponentMinusOne = exponent - 1
        b = pow(2, exponent - 1)
    }

    /// One draw k ≥ 1.
    /// - Complexity: O(1) expected (a bounded number of candidates on average).
    public func next(using random: inout SplitMix64) -> Int {
        while true {
            let u = 1 - random.nextUnitDouble()              // (0, 1]: U^(−1/(a−1)) stays finite
            let v = random.nextUnitDouble()                  // [0, 1)
            let x = pow(u, -1 / exponentMinusOne).rounded(.down)
            if !(x >= 1 && x < 0x1p63) { continue }
            // Accept when V·X·(T − 1)/(b − 1) ≤ T/b with T = (1 + 1/X)^(a−1).
            let t = pow(1 + 1 / x, exponentMinusOne)
            if v * x * (t - 1) / (b - 1) <= t / b { return Int(x) }
        }
    }
}

extension SplitMix64 {
    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in `range`, by Lemire's multiply-and-reject (unbiased). Written out
    /// rather than `Int.random(in:using:)` so that a seed gives the same batches whatever the
    /// standard library's algorithm.
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }       // the full 64-bit range
        let threshold = (0 &- span) % span
        while true {
            let product = next().multipliedFullWidth(by: span)
            if product.low >= threshold { return range.lowerBound + Int(product.high) }
        }
    }
}
