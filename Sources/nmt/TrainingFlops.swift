import Data

/// Floating-point operations of one training step (forward + backward) of our Seq2Seq: the matrix
/// products only (2 per multiply-add), which are nearly all of the work; element-wise kernels
/// (the LSTM cell, softmax, tanh) are a few percent and left out. `nmt bench train` divides it by
/// the time to report GFLOPS, comparable with the machine's sgemm ceiling (numpy 2048³ on the
/// same threads).
///
/// Counted over the USEFUL positions only (real source tokens, weighted target positions and,
/// for attention, real source positions of each of them): what any correct implementation must
/// do, whatever padding it skips. A product y = x·W of a layer costs 2·in·out forward, and the
/// same again for dx = dy·Wᵀ and for dW = xᵀ·dy, so 3× forward in all.
///
/// Per target token, at the peer's average lengths (12.5 source, 15.5 target tokens a sentence):
///
/// | config            | encoder + keys | decoder | W_c  | attention | output  | total     |
/// |-------------------|----------------|---------|------|-----------|---------|-----------|
/// | S full (H 256)    | 2.85 M         | 4.72 M  | 0.79 M | 0.04 M  | 12.29 M | 20.7 MFLOP |
/// | M full (H 512)    | 21.56 M        | 31.46 M | 3.15 M | 0.08 M  | 98.30 M | 154.5 MFLOP |
/// | M sampled (512)   | 21.56 M        | 31.46 M | 3.15 M | 0.08 M  | 1.58 M  | 57.8 MFLOP |
///
/// The peer computes every padded position (25 target, 20 source steps), 1.6× the useful work
/// of its encoder and decoder.
public struct TrainingFlops: Sendable {
    public let embedding: Int
    public let hidden: Int
    public let layers: Int
    public let targetVocabulary: Int
    /// nil for the full softmax; else the sampled candidates a step scores for every row.
    public let numSampled: Int?
    public let inputFeeding: Bool
    /// `general` attention adds the keys h̄_s·W_a (once per batch); `dot` has none.
    public let generalAttention: Bool

    public init(embedding: Int, hidden: Int, layers: Int, targetVocabulary: Int, numSampled: Int?,
                inputFeeding: Bool = true, generalAttention: Bool = true) {
        self.embedding = embedding
        self.hidden = hidden
        self.layers = layers
        self.targetVocabulary = targetVocabulary
        self.numSampled = numSampled
        self.inputFeeding = inputFeeding
        self.generalAttention = generalAttention
    }

    /// Per real source token: the L encoder layers' [x, h]·W, and the attention keys.
    public var perSourceToken: Double {
        let H = Double(hidden)
        var forward = 0.0
        for l in 0..<layers { forward += 2 * (Double(l == 0 ? embedding : hidden) + H) * 4 * H }
        if generalAttention { forward += 2 * H * H }
        return 3 * forward
    }

    /// Per weighted target position: the decoder layers, W_c and the output projection.
    public var perTargetToken: Double {
        let H = Double(hidden)
        var forward = 0.0
        for l in 0..<layers {
            let input = l == 0 ? Double(embedding) + (inputFeeding ? H : 0) : H
            forward += 2 * (input + H) * 4 * H
        }
        forward += 2 * 2 * H * H                                                     // [c; h]·W_c
        forward += 2 * H * Double(numSampled.map { $0 + 1 } ?? targetVocabulary)   // logits
        return 3 * forward
    }

    /// Per (target position, real source position) pair: score h·k and context Σ a·h̄ forward (4H),
    /// and their four products backward (8H).
    public var perAlignment: Double { 12 * Double(hidden) }

    /// The step's useful FLOPs on `batch`.
    /// - Complexity: O(B·(S + T)).
    public func step(_ batch: Batch) -> Double {
        var sourceTokens = 0, targetTokens = 0, alignments = 0
        for b in 0..<batch.size {
            let source = batch.sourceLength(ofSentence: b), target = batch.targetLength(ofSentence: b)
            sourceTokens += source
            targetTokens += target
            alignments += source * target
        }
        return Double(sourceTokens) * perSourceToken + Double(targetTokens) * perTargetToken
            + Double(alignments) * perAlignment
    }
}
