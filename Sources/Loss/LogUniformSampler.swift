#if canImport(Glibc)
import Glibc
#endif
import IO

/// TensorFlow's `log_uniform_candidate_sampler` with `unique=True` (`range_sampler.cc`): the
/// candidates V′ and proposal Q of Jean et al. 2015, §3, for a vocabulary sorted by frequency.
///
/// Ids are drawn i.i.d. from Q(k) = (log(k + 2) − log(k + 1)) / log(rangeMax + 1) and rejected
/// when already drawn, until `numSampled` distinct ids; `numTries` counts every draw. The expected
/// count of an id (of a candidate or of a true class) is TF's approximation of its inclusion
/// probability, 1 − (1 − Q(k))^numTries, or Q(k)·numSampled when no draw was rejected.
///
/// TF draws with Philox; this draws with `SplitMix64`, whose one-word `state` a checkpoint saves
/// and restores so that a resumed run samples the same candidates. Not thread-safe: one sampler
/// per training loop.
public final class LogUniformSampler {
    /// One call's candidate set, shared by every row of a batch.
    public struct Candidates: Sendable {
        /// V′ [numSampled]: distinct ids in draw order.
        public var ids: [Int32]
        /// The expected count of each candidate [numSampled] (TF `sampled_expected_count`).
        public var expectedCounts: [Float]
        /// Draws made to collect the distinct ids (≥ `ids.count`).
        public var numTries: Int

        public init(ids: [Int32] = [], expectedCounts: [Float] = [], numTries: Int = 0) {
            self.ids = ids
            self.expectedCounts = expectedCounts
            self.numTries = numTries
        }

        public var count: Int { ids.count }
    }

    /// The vocabulary size: ids are in 0..<rangeMax.
    public let rangeMax: Int
    /// log(rangeMax + 1), TF's `log_range_`.
    private let logRange: Double
    private var random: SplitMix64
    /// `drawnIn[k] == generation` marks k as drawn in the current call (no set rebuilt per call).
    private var drawnIn: [UInt32]
    private var generation: UInt32 = 0

    public init(rangeMax: Int, seed: UInt64) {
        precondition(rangeMax > 0 && rangeMax <= Int(Int32.max), "rangeMax \(rangeMax) out of range")
        self.rangeMax = rangeMax
        logRange = log1p(Double(rangeMax))
        random = SplitMix64(seed: seed)
        drawnIn = [UInt32](repeating: 0, count: rangeMax)
    }

    /// The generator's whole state: save it with a checkpoint, assign it on resume.
    public var state: UInt64 {
        get { random.state }
        set { random.state = newValue }
    }

    /// Q(k) = log((k + 2) / (k + 1)) / log(rangeMax + 1), in Double then rounded to Float as TF's
    /// `LogUniformSampler::Probability` returns it.
    public func probability(of id: Int) -> Float {
        Float(log((Double(id) + 2.0) / (Double(id) + 1.0)) / logRange)
    }

    /// TF's `ExpectedCountHelper`, in Float as TF computes it: Q(k)·numSampled when every draw was
    /// new (`numTries == numSampled`), else −expm1(numTries · log1p(−Q(k))) = 1 − (1 − Q(k))^numTries.
    public func expectedCount(of id: Int, numSampled: Int, numTries: Int) -> Float {
        let p = probability(of: id)
        if numTries == numSampled { return p * Float(numSampled) }
        return -expm1(Float(numTries) * log1p(-p))
    }

    /// One draw: ⌊exp(u · log(rangeMax + 1))⌋ − 1 for u uniform in [0, 1) (TF's `Sample`; the
    /// modulo only guards against rounding, as in TF).
    @inline(__always)
    func draw() -> Int {
        let unit = Double(random.next() >> 11) * 0x1p-53
        return (Int(exp(unit * logRange)) - 1) % rangeMax
    }

    /// Draws `numSampled` distinct candidates into `candidates`, reusing its arrays.
    /// - Complexity: O(numTries); allocates nothing once `candidates` has held `numSampled` ids.
    public func sample(_ numSampled: Int, into candidates: inout Candidates) {
        precondition(numSampled > 0 && numSampled <= rangeMax, "numSampled \(numSampled) must be in 1...\(rangeMax)")
        if generation == UInt32.max {
            for k in drawnIn.indices { drawnIn[k] = 0 }
            generation = 0
        }
        generation += 1
        candidates.ids.removeAll(keepingCapacity: true)
        candidates.expectedCounts.removeAll(keepingCapacity: true)
        var numTries = 0
        drawnIn.withUnsafeMutableBufferPointer { drawnIn in
            while candidates.ids.count < numSampled {
                numTries += 1
                let id = draw()
                if drawnIn[id] != generation {
                    drawnIn[id] = generation
                    candidates.ids.append(Int32(id))
                }
            }
        }
        candidates.numTries = numTries
        for id in candidates.ids {
            candidates.expectedCounts.append(expectedCount(of: Int(id), numSampled: numSampled, numTries: numTries))
        }
    }

    /// TF's op in full: the candidates, and the expected counts of `trueClasses` under the same draw.
    public func sample(_ numSampled: Int, trueClasses: [Int32]) -> (candidates: Candidates, trueExpectedCounts: [Float]) {
        var candidates = Candidates()
        sample(numSampled, into: &candidates)
        let counts = trueClasses.map { expectedCount(of: Int($0), numSampled: numSampled, numTries: candidates.numTries) }
        return (candidates, counts)
    }
}
