import IO

/// Synthetic training batches with the distribution of the TensorFlow peer's `synthetic_batch`
/// (`shared/peers/tf_seq2seq.py`), the batches `nmt bench train` times on both sides.
///
/// Every batch is padded to one bucket, S = 20 source and T = 25 target positions. Per sentence:
/// source length uniform in [5, 20], target length n uniform in [5, 24] (plus `<eos>`, so n + 1
/// weighted positions: on average 15.5 of 25, 62%), ids `min(zipf(1.2) + 3, vocabulary − 1)`, so
/// id 4 (rank 1) is the most frequent word and the specials other than `<unk>` never occur
/// inside a sentence. Draws come from one seeded `SplitMix64` in the peer's order (source
/// length, target length, source ids, target ids, sentence by sentence).
public enum SyntheticBatches {
    /// The peer's bucket: S (`SRC_LEN`).
    public static let sourceLength = 20
    /// The peer's bucket: T (`TGT_LEN`).
    public static let targetLength = 25
    /// Shortest sentence on either side.
    public static let minimumLength = 5
    /// The Zipf exponent of the ids.
    public static let zipfExponent = 1.2

    /// `count` batches of `size` sentences from one stream seeded with `seed`.
    /// - Complexity: O(count · size · (S + T)).
    public static func batches(count: Int, size: Int, sourceVocabulary: Int, targetVocabulary: Int,
                               seed: UInt64) -> [Batch] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            batch(size: size, sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary, using: &random)
        }
    }

    /// One batch of `size` sentence pairs.
    /// - Precondition: both vocabularies hold more than the four specials.
    public static func batch(size: Int, sourceVocabulary: Int, targetVocabulary: Int,
                             using random: inout SplitMix64) -> Batch {
        precondition(sourceVocabulary > 4 && targetVocabulary > 4, "synthetic ids need vocabularies above the 4 specials")
        let S = sourceLength, T = targetLength
        let zipf = Zipf(exponent: zipfExponent)
        var source = [Int32](repeating: Batch.pad, count: size * S)
        var decoderInput = [Int32](repeating: Batch.pad, count: size * T)
        var decoderTarget = [Int32](repeating: Batch.pad, count: size * T)
        var targetWeights = [Float](repeating: 0, count: size * T)
        func id(_ vocabulary: Int) -> Int32 {
            Int32(min(zipf.next(using: &random), vocabulary - 4) + 3)    // min(k + 3, V − 1) without overflow
        }
        for b in 0..<size {
            let sourceCount = random.nextInt(in: minimumLength...S)
            let targetCount = random.nextInt(in: minimumLength...(T - 1))
            let sentence = (0..<sourceCount).map { _ in id(sourceVocabulary) }
            Batch.placeSource(sentence, reverse: true, into: &source, row: b, length: S)
            let row = b * T
            decoderInput[row] = Batch.go
            for i in 0..<targetCount {
                let y = id(targetVocabulary)
                decoderInput[row + i + 1] = y
                decoderTarget[row + i] = y
            }
            decoderTarget[row + targetCount] = Batch.eos
            for t in 0...targetCount { targetWeights[row + t] = 1 }
        }
        return Batch(size: size, sourceLength: S, targetLength: T, source: source, decoderInput: decoderInput,
                     decoderTarget: decoderTarget, targetWeights: targetWeights)
    }
}
