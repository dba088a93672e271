import Text

/// One training batch of B sentence pairs padded to one bucket's shape, the TF tutorial's
/// `BatchedInput` record: every array is row-major with one row per sentence.
///
/// Token ids: 0 `<pad>`, 1 `<go>`, 2 `<eos>`, 3 `<unk>`. A sentence pair `x1 … xm` → `y1 … yn`
/// (m ≤ S, n < T) is stored as
/// - `source` row: `0 … 0 xm … x1` (the source reversed, Sutskever et al. 2014, padded on the left,
///   so that the encoder's last step always reads a real token);
/// - `decoderInput` row: `<go> y1 … yn 0 … 0`;
/// - `decoderTarget` row: `y1 … yn <eos> 0 … 0` (the input shifted left by one);
/// - `targetWeights` row: `1` for the n + 1 positions of `y1 … yn <eos>`, `0` for padding.
/// Model and loss code read these arrays through `withUnsafeBufferPointer`; `consistencyProblem`
/// checks the layout above.
public struct Batch: Sendable {
    /// B: sentences in the batch.
    public let size: Int
    /// S: source positions of every row (the bucket's source length).
    public let sourceLength: Int
    /// T: target positions of every row (the bucket's target length).
    public let targetLength: Int
    /// [B, S] row-major: reversed source, padded on the LEFT with 0.
    public var source: [Int32]
    /// [B, T]: `<go> y1 … yn`, then 0.
    public var decoderInput: [Int32]
    /// [B, T]: `y1 … yn <eos>`, then 0.
    public var decoderTarget: [Int32]
    /// [B, T]: 1 for `y1 … yn` and `<eos>`, 0 for padding.
    public var targetWeights: [Float]
    /// The row of the global batch that row 0 is: a rank's slice of it in data-parallel training
    /// starts further on (dropout masks follow the global row).
    public var firstRow = 0

    /// - Precondition: the arrays hold B·S, B·T, B·T and B·T elements (a wrong count is a bug in the
    ///   caller, not bad input).
    public init(size: Int, sourceLength: Int, targetLength: Int, source: [Int32], decoderInput: [Int32],
                decoderTarget: [Int32], targetWeights: [Float]) {
        precondition(size >= 0 && sourceLength >= 0 && targetLength >= 0, "negative batch shape")
        precondition(source.count == size * sourceLength, "source holds \(source.count) ids, expected \(size)×\(sourceLength)")
        precondition(decoderInput.count == size * targetLength,
                     "decoderInput holds \(decoderInput.count) ids, expected \(size)×\(targetLength)")
        precondition(decoderTarget.count == size * targetLength,
                     "decoderTarget holds \(decoderTarget.count) ids, expected \(size)×\(targetLength)")
        precondition(targetWeights.count == size * targetLength,
                     "targetWeights holds \(targetWeights.count) weights, expected \(size)×\(targetLength)")
        self.size = size
        self.sourceLength = sourceLength
        self.targetLength = targetLength
        self.source = source
        self.decoderInput = decoderInput
        self.decoderTarget = decoderTarget
        self.targetWeights = targetWeights
    }
}

extension Batch {
    /// The special ids every vocabulary starts with, defined once in `Vocabulary`: here under the
    /// TF tutorial's names for what a batch holds.
    public static let pad = Vocabulary.padID, go = Vocabulary.goID, eos = Vocabulary.eosID, unk = Vocabulary.unkID

    /// Writes sentence x1 … xm (m ≤ S) into row `b` of a [B, S] source array as the encoder reads
    /// it: padded on the left, reversed (`xm … x1`, Sutskever et al. 2014) when `reverse`. Training
    /// batches, synthetic batches and decoding all lay sources out through this.
    public static func placeSource(_ tokens: some BidirectionalCollection<Int32>, reverse: Bool,
                                   into source: inout [Int32], row b: Int, length S: Int) {
        let m = tokens.count
        precondition(m <= S && (b + 1) * S <= source.count, "a source of \(m) tokens in row \(b) of length \(S)")
        var position = b * S + S - m
        if reverse {
            for x in tokens.reversed() { source[position] = x; position += 1 }
        } else {
            for x in tokens { source[position] = x; position += 1 }
        }
    }

    /// Real (non-padding) source tokens of sentence `b`: the row's positions after its left padding.
    /// - Complexity: O(S).
    public func sourceLength(ofSentence b: Int) -> Int {
        precondition(b >= 0 && b < size, "sentence \(b) of a batch of \(size)")
        var padding = 0
        while padding < sourceLength && source[b * sourceLength + padding] == Batch.pad { padding += 1 }
        return sourceLength - padding
    }

    /// Weighted target positions of sentence `b` (`y1 … yn <eos>`, so n + 1).
    /// - Complexity: O(T).
    public func targetLength(ofSentence b: Int) -> Int {
        precondition(b >= 0 && b < size, "sentence \(b) of a batch of \(size)")
        var count = 0
        for t in 0..<targetLength where targetWeights[b * targetLength + t] != 0 { count += 1 }
        return count
    }

    /// Σ targetWeights: the target tokens the loss is averaged over (what tokens/s counts).
    public var targetTokenCount: Int {
        var sum = 0.0
        for w in targetWeights { sum += Double(w) }
        return Int(sum.rounded())
    }

    /// nil when the batch has the layout described on `Batch`, else the first inconsistency found,
    /// naming the sentence and position ("sentence 2, target 5: weight 1 after padding").
    ///
    /// Checked per row: source padding only on the left and at least one real source token; no
    /// `<go>`/`<eos>`/padding inside the sentence; `decoderInput` = `<go>` + `decoderTarget` shifted
    /// right; the target ends with exactly one `<eos>`; weights are 1 exactly on `y1 … yn <eos>`.
    /// - Complexity: O(B·(S + T)).
    public var consistencyProblem: String? {
        for b in 0..<size {
            let sourceRow = b * sourceLength
            var t = 0
            while t < sourceLength && source[sourceRow + t] == Batch.pad { t += 1 }
            if t == sourceLength && sourceLength > 0 { return "sentence \(b): empty source" }
            while t < sourceLength {
                let id = source[sourceRow + t]
                if id == Batch.pad { return "sentence \(b), source \(t): padding after the first token (pad on the left)" }
                if id < 0 || id == Batch.go || id == Batch.eos { return "sentence \(b), source \(t): id \(id) in a sentence" }
                t += 1
            }
            let row = b * targetLength
            let n = targetLength(ofSentence: b) - 1          // y1 … yn
            if n < 0 { return "sentence \(b): no target weight (expected y1 … yn <eos>)" }
            if n >= targetLength { return "sentence \(b): <eos> does not fit in \(targetLength) target positions" }
            if decoderInput[row] != Batch.go { return "sentence \(b), target 0: decoder input \(decoderInput[row]) is not <go>" }
            for t in 0..<targetLength {
                let weight = targetWeights[row + t], input = decoderInput[row + t], label = decoderTarget[row + t]
                if t < n {
                    if weight != 1 { return "sentence \(b), target \(t): weight \(weight) inside the sentence" }
                    if label < Batch.unk { return "sentence \(b), target \(t): id \(label) in a sentence" }
                    if decoderInput[row + t + 1] != label {
                        return "sentence \(b), target \(t): decoder input \(t + 1) is not the target shifted right"
                    }
                } else if t == n {
                    if weight != 1 { return "sentence \(b), target \(t): weight \(weight) on <eos>" }
                    if label != Batch.eos { return "sentence \(b), target \(t): \(label) where <eos> belongs" }
                } else {
                    if weight != 0 { return "sentence \(b), target \(t): weight \(weight) after <eos>" }
                    if label != Batch.pad || input != Batch.pad { return "sentence \(b), target \(t): a token after <eos>" }
                }
            }
        }
        return nil
    }
}

extension Batch {
    /// Sentences `range` of the batch, as a batch of their own whose `firstRow` is where they
    /// start in the global batch (a rank's slice in data-parallel training).
    public func rows(_ range: Range<Int>) -> Batch {
        precondition(range.lowerBound >= 0 && range.upperBound <= size, "rows \(range) of a batch of \(size)")
        let S = sourceLength, T = targetLength
        var slice = Batch(size: range.count, sourceLength: S, targetLength: T,
                          source: Array(source[(range.lowerBound * S)..<(range.upperBound * S)]),
                          decoderInput: Array(decoderInput[(range.lowerBound * T)..<(range.upperBound * T)]),
                          decoderTarget: Array(decoderTarget[(range.lowerBound * T)..<(range.upperBound * T)]),
                          targetWeights: Array(targetWeights[(range.lowerBound * T)..<(range.upperBound * T)]))
        slice.firstRow = firstRow + range.lowerBound
        return slice
    }
}
