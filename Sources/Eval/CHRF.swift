import Text
/// chrF (Popović 2015) exactly as sacrebleu 2.x computes it with its defaults: character n-grams
/// of orders 1-6 with whitespace removed, no word n-grams, β = 2, and effective-order averaging
/// (precision and recall averaged over the orders both sides have n-grams of) rather than ε
/// smoothing. With several references each segment keeps the one with the best F-score.
public struct CHRF: Sendable {
    /// Word n-gram order (chrF++ would be 2); only chrF is implemented.
    public static let wordOrder = 0

    /// The largest character n-gram order (1...6).
    public let charOrder: Int
    /// Recall weighs β² times precision.
    public let beta: Int
    public let lowercase: Bool

    public init(charOrder: Int = 6, beta: Int = 2, lowercase: Bool = false) {
        precondition((1...6).contains(charOrder), "chrF's character order must be 1...6")
        precondition(beta >= 0, "chrF's beta must not be negative")
        self.charOrder = charOrder
        self.beta = beta
        self.lowercase = lowercase
    }

    /// `nrefs:N|case:mixed|eff:yes|nc:6|nw:0|space:no|version:nmt-0.1.0`.
    public func signature(references: Int) -> Signature {
        Signature(references: references, metricFields: [
            ("case", lowercase ? "lc" : "mixed"), ("eff", "yes"), ("nc", String(charOrder)),
            ("nw", String(CHRF.wordOrder)), ("space", "no"),
        ])
    }

    // MARK: - References

    /// Reference character n-gram counts, prepared once and reusable for many hypotheses.
    public struct References: Sendable {
        /// The number of reference streams (the signature's `nrefs`).
        public let count: Int
        public var segments: Int { perSegment.count }
        let lowercase: Bool
        let charOrder: Int
        /// Per segment, per reference: its n-gram counts and its number of n-grams of each order.
        let perSegment: [[(counts: [NGramKey: Int], totals: [Int])]]
    }

    /// Prepares references given as sacrebleu takes them: `streams[r][i]` is reference `r` of segment `i`.
    public func references(_ streams: [[String]]) -> References {
        precondition(!streams.isEmpty, "chrF needs at least one reference stream")
        let segments = streams[0].count
        precondition(streams.allSatisfy { $0.count == segments }, "reference streams differ in length")
        let perSegment = (0..<segments).map { i in
            streams.map { stream in
                var counts = [NGramKey: Int]()
                var totals = [Int](repeating: 0, count: charOrder)
                let text = preprocess(stream[i])
                text.withUnsafeBufferPointer { text in
                    for n in 1...charOrder where text.count >= n {
                        totals[n - 1] = text.count - n + 1
                        for start in 0...(text.count - n) {
                            counts[NGramKey(characters: text, start: start, order: n), default: 0] += 1
                        }
                    }
                }
                return (counts, totals)
            }
        }
        return References(count: streams.count, lowercase: lowercase, charOrder: charOrder, perSegment: perSegment)
    }

    // MARK: - Statistics

    /// Each segment's statistics against its best-matching reference.
    public func statistics(hypotheses: [String], references: References) -> [CHRFStatistics] {
        precondition(references.lowercase == lowercase && references.charOrder == charOrder,
                     "references were prepared with other settings")
        precondition(hypotheses.count == references.segments,
                     "\(hypotheses.count) hypotheses but \(references.segments) reference segments")
        var hypothesisCounts = [[NGramKey: Int]](repeating: [:], count: charOrder)
        return hypotheses.indices.map { i in
            let text = preprocess(hypotheses[i])
            var hypothesisTotals = [Int](repeating: 0, count: charOrder)
            text.withUnsafeBufferPointer { text in
                for n in 1...charOrder {
                    hypothesisCounts[n - 1].removeAll(keepingCapacity: true)
                    guard text.count >= n else { continue }
                    hypothesisTotals[n - 1] = text.count - n + 1
                    for start in 0...(text.count - n) {
                        hypothesisCounts[n - 1][NGramKey(characters: text, start: start, order: n), default: 0] += 1
                    }
                }
            }
            var best = CHRFStatistics(order: charOrder)
            var bestScore = -1.0
            for reference in references.perSegment[i] {
                var statistics = CHRFStatistics(order: charOrder)
                for n in 1...charOrder {
                    var matches = 0
                    for (ngram, count) in hypothesisCounts[n - 1] {
                        if let referenceCount = reference.counts[ngram] { matches += min(count, referenceCount) }
                    }
                    // sacrebleu counts no hypothesis n-grams of an order the reference lacks.
                    let referenceTotal = reference.totals[n - 1]
                    statistics.values[3 * (n - 1)] = referenceTotal > 0 ? hypothesisTotals[n - 1] : 0
                    statistics.values[3 * (n - 1) + 1] = referenceTotal
                    statistics.values[3 * (n - 1) + 2] = matches
                }
                let f = fScore(statistics)
                if f > bestScore {
                    bestScore = f
                    best = statistics
                }
            }
            return best
        }
    }

    /// Corpus chrF against prepared references.
    public func corpusScore(hypotheses: [String], references: References) -> CHRFScore {
        let sum = statistics(hypotheses: hypotheses, references: references).reduce(CHRFStatistics(order: charOrder), +)
        return CHRFScore(score: fScore(sum), beta: beta)
    }

    /// Corpus chrF: `references[r][i]` is reference `r` of hypothesis `i` (sacrebleu's layout).
    public func corpusScore(hypotheses: [String], references: [[String]]) -> CHRFScore {
        corpusScore(hypotheses: hypotheses, references: self.references(references))
    }

    /// chrF of one hypothesis against its references.
    public func sentenceScore(hypothesis: String, references: [String]) -> CHRFScore {
        corpusScore(hypotheses: [hypothesis], references: references.map { [$0] })
    }

    /// The F-score from summed statistics: sacrebleu's `_compute_f_score` without ε smoothing.
    public func fScore(_ statistics: CHRFStatistics) -> Double {
        let factor = Double(beta * beta)
        var averagePrecision = 0.0
        var averageRecall = 0.0
        var effectiveOrder = 0
        for n in 0..<charOrder {
            let hypothesisCount = statistics.values[3 * n]
            let referenceCount = statistics.values[3 * n + 1]
            let matches = statistics.values[3 * n + 2]
            if hypothesisCount > 0 && referenceCount > 0 {
                averagePrecision += Double(matches) / Double(hypothesisCount)
                averageRecall += Double(matches) / Double(referenceCount)
                effectiveOrder += 1
            }
        }
        if effectiveOrder == 0 { return 0 }
        averagePrecision /= Double(effectiveOrder)
        averageRecall /= Double(effectiveOrder)
        guard averagePrecision + averageRecall != 0 else { return 0 }
        let score = (1 + factor) * averagePrecision * averageRecall / (factor * averagePrecision + averageRecall)
        return 100 * score
    }

    /// Lowercase (optionally) and drop all whitespace: `''.join(line.split())`.
    private func preprocess(_ segment: String) -> [UInt32] {
        var text = PythonText.scalars(segment)
        if lowercase { text = PythonText.lowercased(text) }
        return PythonText.removingSpaces(text)
    }
}

/// One segment's (or, summed, a corpus') chrF statistics: `[hypothesis, reference, matches]` n-gram
/// counts for each order, flattened as in sacrebleu.
public struct CHRFStatistics: Sendable, Equatable {
    public var values: [Int]

    public init(order: Int) {
        values = [Int](repeating: 0, count: 3 * order)
    }

    public static func + (a: CHRFStatistics, b: CHRFStatistics) -> CHRFStatistics {
        var sum = a
        for k in sum.values.indices { sum.values[k] += b.values[k] }
        return sum
    }
}
