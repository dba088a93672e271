/// One training batch, padded to its bucket's lengths (the TF tutorial's `BatchedInput`).
public struct Batch: Sendable {
    public let size: Int            // B
    public let sourceLength: Int    // S
    public let targetLength: Int    // T
    public var source: [Int32]          // [B, S] row-major: reversed source, padded on the LEFT with 0
    public var decoderInput: [Int32]    // [B, T]: <go> y1 … yn, then 0
    public var decoderTarget: [Int32]   // [B, T]: y1 … yn <eos>, then 0
    public var targetWeights: [Float]   // [B, T]: 1 for y1 … yn and <eos>, 0 for padding

    public init(size: Int, sourceLength: Int, targetLength: Int, source: [Int32], decoderInput: [Int32],
                decoderTarget: [Int32], targetWeights: [Float]) {
        precondition(source.count == size * sourceLength, "source holds \(source.count) ids, expected \(size)×\(sourceLength)")
        precondition(decoderInput.count == size * targetLength && decoderTarget.count == size * targetLength
                     && targetWeights.count == size * targetLength, "target arrays must hold \(size)×\(targetLength) entries")
        self.size = size
        self.sourceLength = sourceLength
        self.targetLength = targetLength
        self.source = source
        self.decoderInput = decoderInput
        self.decoderTarget = decoderTarget
        self.targetWeights = targetWeights
    }
}
