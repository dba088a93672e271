#if canImport(Glibc)
import Glibc
#endif
import IO
import Testing
@testable import Data

/// The Zipf sampler against the exact pmf P(k) = k^(−a)/ζ(a), by a χ² test with a fixed seed
/// (deterministic: the same draws on every run, so the test cannot flake).
@Suite struct ZipfTests {
    /// ζ(a) by Euler–Maclaurin: Σ_{k<N} k^(−a) + N^(1−a)/(a−1) + N^(−a)/2 + a·N^(−a−1)/12 − a(a+1)(a+2)·N^(−a−3)/720.
    static func zeta(_ a: Double, terms n: Int = 100_000) -> Double {
        var sum = 0.0
        for k in stride(from: n - 1, through: 1, by: -1) { sum += pow(Double(k), -a) }    // small terms first
        let N = Double(n)
        return sum + pow(N, 1 - a) / (a - 1) + pow(N, -a) / 2 + a * pow(N, -a - 1) / 12
            - a * (a + 1) * (a + 2) * pow(N, -a - 3) / 720
    }

    @Test func zetaOfTwoIsPiSquaredOverSix() {
        #expect(abs(Self.zeta(2) - Double.pi * Double.pi / 6) < 1e-13)
        #expect(abs(Self.zeta(1.2) - 5.591582441177751) < 1e-11)
    }

    /// Bins k = 1 … 10 one by one, then (10, 30], (30, 100], (100, 10³], (10³, 10⁴], (10⁴, 10⁶] and
    /// the tail above 10⁶ (≈ 5.6% of the mass for a = 1.2: the distribution is heavy-tailed).
    @Test(arguments: [1.2, 2.5])
    func matchesExactPMF(exponent: Double) {
        let draws = 400_000
        let edges = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100, 1_000, 10_000, 1_000_000]   // bin i: (edges[i-1], edges[i]]
        let zeta = Self.zeta(exponent)
        var expected = [Double](repeating: 0, count: edges.count + 1)
        var k = 1
        for (i, edge) in edges.enumerated() {
            while k <= edge { expected[i] += pow(Double(k), -exponent) / zeta; k += 1 }
        }
        expected[edges.count] = 1 - expected.reduce(0, +)

        let zipf = Zipf(exponent: exponent)
        var random = SplitMix64(seed: 20_240_601)
        var observed = [Int](repeating: 0, count: edges.count + 1)
        for _ in 0..<draws {
            let x = zipf.next(using: &random)
            #expect(x >= 1)
            observed[edges.firstIndex { x <= $0 } ?? edges.count] += 1
        }
        var chiSquare = 0.0, bins = 0
        for i in 0..<observed.count where expected[i] * Double(draws) >= 5 {
            let e = expected[i] * Double(draws)
            chiSquare += (Double(observed[i]) - e) * (Double(observed[i]) - e) / e
            bins += 1
        }
        // 99.9% quantiles of χ² with bins − 1 degrees of freedom (15 bins for 1.2, 13 or so for 2.5).
        let critical: [Int: Double] = [10: 29.59, 11: 31.26, 12: 32.91, 13: 34.53, 14: 36.12, 15: 37.70]
        let limit = critical[bins - 1] ?? 37.70
        #expect(chiSquare < limit, "χ² = \(chiSquare) over \(bins) bins; observed \(observed)")
        // The first bins one by one within 4 standard deviations.
        for i in 0..<5 {
            let p = expected[i], n = Double(draws)
            let deviation = abs(Double(observed[i]) - p * n) / (p * (1 - p) * n).squareRoot()
            #expect(deviation < 4, "k = \(i + 1): \(observed[i]) draws, expected \(p * n)")
        }
    }

    @Test func uniformIntegersCoverTheirRangeEvenly() {
        var random = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 16)
        for _ in 0..<160_000 { counts[random.nextInt(in: 5...20) - 5] += 1 }
        for count in counts { #expect(abs(count - 10_000) < 500, "\(counts)") }
        #expect(random.nextInt(in: 3...3) == 3)
        #expect((0..<1000).allSatisfy { _ in (0..<1).contains(random.nextUnitDouble()) })
    }
}
