import Text
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Corpus and sentence BLEU (Papineni et al. 2002) exactly as sacrebleu 2.x computes it.
///
/// Each segment is lowercased (optionally), right-stripped and tokenized; its n-grams (1-4) are
/// clipped by the largest count in any one reference, and its reference length is the one
/// closest to the hypothesis length (the shorter on a tie). The score is the brevity penalty
/// times the geometric mean of the smoothed precisions (Chen and Cherry 2014 for smoothing),
/// computed from statistics summed over the corpus. Arithmetic follows sacrebleu's order of
/// operations, so scores agree with it to the last bit on the same C library.
public struct BLEU: Sendable {
    /// Smoothing of zero n-gram matches (Chen and Cherry 2014, WMT).
    public enum Smoothing: Sendable, Equatable {
        /// No smoothing: a zero precision makes the score 0.
        case none
        /// Method 1: a zero match count becomes `value` (default 0.1).
        case floor(Double = 0.1)
        /// Method 2: orders 2-4 add `value` (default 1) to matches and totals.
        case addK(Int = 1)
        /// Method 3 (NIST, mteval-v13a): the k-th zero precision becomes 1 / (2^k · total).
        case exp

        /// The command-line names `none`, `floor`, `add-k`, `exp`, with sacrebleu's default values.
        public init?(name: String) {
            switch name {
            case "none": self = .none
            case "floor": self = .floor()
            case "add-k": self = .addK()
            case "exp": self = .exp
            default: return nil
            }
        }

        public static let names = ["exp", "floor", "add-k", "none"]

        /// The signature's `smooth:` value: `exp`, `floor[0.10]`, `add-k[1.00]`, `none`.
        public var signature: String {
            switch self {
            case .none: return "none"
            case .exp: return "exp"
            case .floor(let value): return "floor[\(fixed(value, digits: 2))]"
            case .addK(let value): return "add-k[\(fixed(Double(value), digits: 2))]"
            }
        }
    }

    /// The largest n-gram order (sacrebleu's `MAX_NGRAM_ORDER`).
    public static let maxOrder = 4

    public let tokenizer: BLEUTokenizer
    public let lowercase: Bool
    public let smoothing: Smoothing
    /// Average only over the orders the hypothesis has n-grams of (sacrebleu's `effective_order`,
    /// which its command line turns on for sentence-level scores).
    public let effectiveOrder: Bool

    public init(tokenizer: BLEUTokenizer = .mteval13a, lowercase: Bool = false, smoothing: Smoothing = .exp,
                effectiveOrder: Bool = false) {
        self.tokenizer = tokenizer
        self.lowercase = lowercase
        self.smoothing = smoothing
        self.effectiveOrder = effectiveOrder
    }

    /// `nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0`.
    public func signature(references: Int) -> Signature {
        Signature(references: references, metricFields: [
            ("case", lowercase ? "lc" : "mixed"), ("eff", effectiveOrder ? "yes" : "no"),
            ("tok", tokenizer.signature), ("smooth", smoothing.signature),
        ])
    }

    // MARK: - References

    /// Reference n-gram counts and lengths, prepared once and reusable for many hypotheses
    /// (training scores every dev translation against the same references).
    public struct References: Sendable {
        /// The number of reference streams (the signature's `nrefs`).
        public let count: Int
        /// The number of segments.
        public var segments: Int { lengths.count }
        let tokenizer: BLEUTokenizer
        let lowercase: Bool
        /// Word → id (from 1), over all references; hypothesis words not in it match nothing.
        let vocabulary: [[UInt32]: UInt32]
        /// Per segment, each reference's length in words.
        let lengths: [[Int]]
        /// Per segment, each n-gram's largest count in any one reference.
        let maxCounts: [[NGramKey: Int]]
    }

    /// Prepares references given as sacrebleu takes them: `streams[r][i]` is reference `r` of segment `i`.
    /// - Complexity: O(total reference length).
    public func references(_ streams: [[String]]) -> References {
        precondition(!streams.isEmpty, "BLEU needs at least one reference stream")
        let segments = streams[0].count
        precondition(streams.allSatisfy { $0.count == segments }, "reference streams differ in length")
        var vocabulary = [[UInt32]: UInt32]()
        var lengths = [[Int]]()
        var maxCounts = [[NGramKey: Int]]()
        lengths.reserveCapacity(segments)
        maxCounts.reserveCapacity(segments)
        var counts = [NGramKey: Int]()
        for i in 0..<segments {
            var segmentLengths = [Int]()
            var segmentCounts = [NGramKey: Int]()
            for stream in streams {
                let (text, words) = preprocess(stream[i])
                var ids = [UInt32]()
                ids.reserveCapacity(words.count)
                for word in words {
                    let key = Array(text[word])
                    if let id = vocabulary[key] {
                        ids.append(id)
                    } else {
                        let id = UInt32(vocabulary.count + 1)
                        vocabulary[key] = id
                        ids.append(id)
                    }
                }
                segmentLengths.append(ids.count)
                counts.removeAll(keepingCapacity: true)
                BLEU.countNGrams(ids, into: &counts)
                for (ngram, count) in counts where count > segmentCounts[ngram, default: 0] {
                    segmentCounts[ngram] = count
                }
            }
            lengths.append(segmentLengths)
            maxCounts.append(segmentCounts)
        }
        return References(count: streams.count, tokenizer: tokenizer, lowercase: lowercase,
                          vocabulary: vocabulary, lengths: lengths, maxCounts: maxCounts)
    }

    // MARK: - Statistics

    /// Each segment's sufficient statistics against prepared references.
    /// - Complexity: O(total hypothesis length).
    public func statistics(hypotheses: [String], references: References) -> [BLEUStatistics] {
        precondition(references.tokenizer == tokenizer && references.lowercase == lowercase,
                     "references were prepared with other tokenization or case settings")
        precondition(hypotheses.count == references.segments,
                     "\(hypotheses.count) hypotheses but \(references.segments) reference segments")
        var counts = [NGramKey: Int]()
        var ids = [UInt32]()
        return hypotheses.indices.map { i in
            let (text, words) = preprocess(hypotheses[i])
            ids.removeAll(keepingCapacity: true)
            // Unknown words get id 0; n-grams holding one are absent from every reference.
            for word in words { ids.append(references.vocabulary[Array(text[word])] ?? 0) }
            counts.removeAll(keepingCapacity: true)
            BLEU.countNGrams(ids, into: &counts)
            var statistics = BLEUStatistics()
            statistics.hypothesisLength = ids.count
            statistics.referenceLength = BLEU.closestReferenceLength(ids.count, references.lengths[i])
            for n in 1...BLEU.maxOrder { statistics.total[n - 1] = max(0, ids.count - n + 1) }
            let referenceCounts = references.maxCounts[i]
            for (ngram, count) in counts {
                guard let referenceCount = referenceCounts[ngram] else { continue }
                statistics.correct[BLEU.order(ngram) - 1] += min(count, referenceCount)
            }
            return statistics
        }
    }

    /// Corpus BLEU against prepared references.
    public func corpusScore(hypotheses: [String], references: References) -> BLEUScore {
        score(statistics(hypotheses: hypotheses, references: references).reduce(BLEUStatistics(), +))
    }

    /// Corpus BLEU: `references[r][i]` is reference `r` of hypothesis `i` (sacrebleu's layout).
    public func corpusScore(hypotheses: [String], references: [[String]]) -> BLEUScore {
        corpusScore(hypotheses: hypotheses, references: self.references(references))
    }

    /// BLEU of one hypothesis against its references (use `effectiveOrder: true`, as sacrebleu's
    /// `sentence_bleu` and `--sentence-level` do).
    public func sentenceScore(hypothesis: String, references: [String]) -> BLEUScore {
        corpusScore(hypotheses: [hypothesis], references: references.map { [$0] })
    }

    /// The score from summed statistics: sacrebleu's `compute_bleu`.
    public func score(_ statistics: BLEUStatistics) -> BLEUScore {
        var correct = statistics.correct
        var total = statistics.total
        let sysLen = statistics.hypothesisLength
        let refLen = statistics.referenceLength
        var bp = 1.0
        if sysLen < refLen { bp = sysLen > 0 ? exp(1 - Double(refLen) / Double(sysLen)) : 0 }
        var precisions = [Double](repeating: 0, count: BLEU.maxOrder)
        // No match at all: 0, before any smoothing (sacrebleu #141).
        if correct.allSatisfy({ $0 == 0 }) {
            return BLEUScore(score: 0, counts: correct, totals: total, precisions: precisions, bp: bp,
                             sysLen: sysLen, refLen: refLen)
        }
        var smoothMteval = 1.0
        var order = BLEU.maxOrder
        for n in 1...BLEU.maxOrder {
            if case .addK(let k) = smoothing, n > 1 {
                correct[n - 1] += k
                total[n - 1] += k
            }
            if total[n - 1] == 0 { break }
            if effectiveOrder { order = n }
            if correct[n - 1] == 0 {
                switch smoothing {
                case .exp:
                    smoothMteval *= 2
                    precisions[n - 1] = 100 / (smoothMteval * Double(total[n - 1]))
                case .floor(let value):
                    precisions[n - 1] = 100 * value / Double(total[n - 1])
                case .none, .addK:
                    break
                }
            } else {
                precisions[n - 1] = 100 * Double(correct[n - 1]) / Double(total[n - 1])
            }
        }
        // sacrebleu's my_log floors log(0) at -9999999999; summed left to right as Python 3.11's sum().
        var logSum = 0.0
        for precision in precisions[0..<order] { logSum += precision == 0 ? -9_999_999_999 : log(precision) }
        return BLEUScore(score: bp * exp(logSum / Double(order)), counts: correct, totals: total,
                         precisions: precisions, bp: bp, sysLen: sysLen, refLen: refLen)
    }

    // MARK: - Implementation

    /// Lowercase (optionally), right-strip, tokenize; returns the text and its words' ranges.
    private func preprocess(_ segment: String) -> (text: [UInt32], words: [Range<Int>]) {
        var text = PythonText.scalars(segment)
        if lowercase { text = PythonText.lowercased(text) }
        text = tokenizer.tokenize(PythonText.rstripped(text))
        return (text, PythonText.words(text))
    }

    /// Counts the 1- to 4-grams of `ids`, skipping those that hold an unknown word (id 0).
    private static func countNGrams(_ ids: [UInt32], into counts: inout [NGramKey: Int]) {
        ids.withUnsafeBufferPointer { ids in
            for n in 1...maxOrder where ids.count >= n {
                for start in 0...(ids.count - n) where !ids[start..<(start + n)].contains(0) {
                    counts[NGramKey(words: ids, start: start, order: n), default: 0] += 1
                }
            }
        }
    }

    /// The order of a word n-gram key (its non-zero 32-bit slots).
    @inline(__always)
    private static func order(_ key: NGramKey) -> Int {
        (key.low & 0xFFFF_FFFF != 0 ? 1 : 0) + (key.low >> 32 != 0 ? 1 : 0)
            + (key.high & 0xFFFF_FFFF != 0 ? 1 : 0) + (key.high >> 32 != 0 ? 1 : 0)
    }

    /// The reference length closest to `hypothesisLength`, the shorter on a tie.
    static func closestReferenceLength(_ hypothesisLength: Int, _ lengths: [Int]) -> Int {
        var closest = -1
        var closestDifference = -1
        for length in lengths {
            let difference = abs(hypothesisLength - length)
            if closestDifference == -1 || difference < closestDifference || (difference == closestDifference && length < closest) {
                closestDifference = difference
                closest = length
            }
        }
        return closest
    }
}

/// One segment's (or, summed, a corpus') BLEU statistics: sacrebleu's `[sys_len, ref_len, correct…, total…]`.
public struct BLEUStatistics: Sendable, Equatable {
    public var hypothesisLength = 0
    public var referenceLength = 0
    /// Clipped matches per order 1-4.
    public var correct = [Int](repeating: 0, count: BLEU.maxOrder)
    /// Hypothesis n-grams per order 1-4.
    public var total = [Int](repeating: 0, count: BLEU.maxOrder)

    public init() {}

    public static func + (a: BLEUStatistics, b: BLEUStatistics) -> BLEUStatistics {
        var sum = a
        sum.hypothesisLength += b.hypothesisLength
        sum.referenceLength += b.referenceLength
        for n in 0..<BLEU.maxOrder {
            sum.correct[n] += b.correct[n]
            sum.total[n] += b.total[n]
        }
        return sum
    }
}
