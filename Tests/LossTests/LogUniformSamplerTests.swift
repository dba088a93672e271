#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Loss

@Suite struct LogUniformSamplerTests {
    /// Single draws follow Q(k) = log((k+2)/(k+1)) / log(V+1): Pearson's χ² over all V ids.
    /// The bound is χ²(19)'s 1 − 10⁻⁶ quantile, so a correct sampler fails for one seed in a million;
    /// the seed is fixed, so the test is deterministic.
    @Test func drawsFollowTheLogUniformProposal() {
        let vocabulary = 20, draws = 200_000
        let sampler = LogUniformSampler(rangeMax: vocabulary, seed: 1)
        var observed = [Int](repeating: 0, count: vocabulary)
        for _ in 0..<draws { observed[sampler.draw()] += 1 }
        var chiSquare = 0.0, total = 0.0
        for k in 0..<vocabulary {
            let p = log((Double(k) + 2) / (Double(k) + 1)) / log(Double(vocabulary) + 1)
            total += p
            let expected = p * Double(draws)
            chiSquare += (Double(observed[k]) - expected) * (Double(observed[k]) - expected) / expected
        }
        #expect(abs(total - 1) < 1e-12)
        #expect(chiSquare < 63.68, "χ² = \(chiSquare) with 19 degrees of freedom")
    }

    /// Unique sampling includes each id with exactly the probability that it is among the first
    /// `numSampled` distinct ids of an i.i.d. sequence, which a small case enumerates: ordered
    /// sets (a1, a2, a3) have probability Π Q(a_i) / (1 − Σ_{j<i} Q(a_j)). Each id's count must be
    /// within 5.5 standard deviations of its binomial mean (10 ids: a false failure for fewer
    /// than 4 seeds in 10⁷; the seed is fixed).
    @Test func uniqueSetsIncludeEachIdWithItsExactProbability() {
        let vocabulary = 10, sampled = 3, sets = 40_000
        let sampler = LogUniformSampler(rangeMax: vocabulary, seed: 2)
        let q = (0..<vocabulary).map { Double(sampler.probability(of: $0)) }
        let qTotal = q.reduce(0, +)
        let p = q.map { $0 / qTotal }                     // the Float rounding of Q, renormalised
        var inclusion = [Double](repeating: 0, count: vocabulary)
        for a in 0..<vocabulary {
            for b in 0..<vocabulary where b != a {
                for c in 0..<vocabulary where c != a && c != b {
                    let probability = p[a] * p[b] / (1 - p[a]) * p[c] / (1 - p[a] - p[b])
                    inclusion[a] += probability; inclusion[b] += probability; inclusion[c] += probability
                }
            }
        }
        var observed = [Int](repeating: 0, count: vocabulary)
        var candidates = LogUniformSampler.Candidates()
        for _ in 0..<sets {
            sampler.sample(sampled, into: &candidates)
            #expect(Set(candidates.ids).count == sampled && candidates.numTries >= sampled)
            for id in candidates.ids { observed[Int(id)] += 1 }
        }
        for k in 0..<vocabulary {
            let mean = inclusion[k] * Double(sets), deviation = (mean * (1 - inclusion[k])).squareRoot()
            #expect(abs(Double(observed[k]) - mean) <= 5.5 * deviation,
                    "id \(k): \(observed[k]) sets, expected \(mean) ± \(deviation)")
        }
    }

    /// At a realistic ratio (V = 1000, 50 candidates, ~70 tries) TF's expected counts
    /// 1 − (1 − Q(k))^numTries approximate the inclusion frequency: each of a few ids' frequency
    /// over 4000 sets is within 5 binomial standard deviations (a false failure for fewer than 5
    /// seeds in 10⁶ if the approximation were exact) plus 3% of the count, for the approximation
    /// itself (it conditions on numTries; a 20,000-set NumPy simulation showed ≤ 2.2%).
    @Test func expectedCountsApproximateInclusionFrequencies() {
        let vocabulary = 1000, sampled = 50, sets = 4000
        let sampler = LogUniformSampler(rangeMax: vocabulary, seed: 3)
        let ids = [0, 1, 2, 5, 10, 20, 50, 100]
        var observed = [Int](repeating: 0, count: vocabulary)
        var meanCount = [Double](repeating: 0, count: vocabulary)
        var candidates = LogUniformSampler.Candidates()
        for _ in 0..<sets {
            sampler.sample(sampled, into: &candidates)
            #expect(candidates.ids.allSatisfy { $0 >= 0 && Int($0) < vocabulary })
            #expect(Set(candidates.ids).count == sampled)
            for (j, id) in candidates.ids.enumerated() {
                observed[Int(id)] += 1
                #expect(candidates.expectedCounts[j] == sampler.expectedCount(of: Int(id), numSampled: sampled, numTries: candidates.numTries))
            }
            for k in ids { meanCount[k] += Double(sampler.expectedCount(of: k, numSampled: sampled, numTries: candidates.numTries)) / Double(sets) }
        }
        for k in ids {
            let frequency = Double(observed[k]) / Double(sets), expected = meanCount[k]
            let deviation = (expected * (1 - expected) / Double(sets)).squareRoot()
            #expect(abs(frequency - expected) <= 5 * deviation + 0.03 * expected,
                    "id \(k): frequency \(frequency), mean expected count \(expected) ± \(deviation)")
        }
    }

    /// TF's formulas: Q in Float, the no-rejection shortcut, the state round trip.
    @Test func expectedCountFormulasAndState() {
        let sampler = LogUniformSampler(rangeMax: 32000, seed: 9)
        let q0 = Double(sampler.probability(of: 0))
        #expect(abs(q0 - log(2) / log(32001)) < 1e-8)
        #expect(sampler.expectedCount(of: 0, numSampled: 4, numTries: 4) == sampler.probability(of: 0) * 4)
        let p = sampler.probability(of: 100)
        #expect(sampler.expectedCount(of: 100, numSampled: 4, numTries: 9) == -expm1(9 * log1p(-p)))
        let saved = sampler.state
        let first = sampler.sample(512, trueClasses: [0, 5, 31999])
        #expect(first.candidates.ids.count == 512 && Set(first.candidates.ids).count == 512)
        #expect(first.candidates.numTries > 512)
        #expect(first.trueExpectedCounts == [0, 5, 31999].map { sampler.expectedCount(of: $0, numSampled: 512, numTries: first.candidates.numTries) })
        sampler.state = saved
        let again = sampler.sample(512, trueClasses: [])
        #expect(again.candidates.ids == first.candidates.ids && again.candidates.numTries == first.candidates.numTries)
    }
}
