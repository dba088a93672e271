import Decode
import Model
import Tensor

/// An upper bound on the memory `nmt translate` allocates, within about a factor of 2, from the
/// shapes alone, checked against the machine before the model is loaded (`--beam 100000` once
/// asked for 24 GB, `--max-length-ratio 1e9` for 480 GB, and died).
///
/// In bytes (P parameters; N = B·K rows for batch B and beam K; S the largest bucket's source
/// length, the longest piece a line is cut into; T = ⌈ratio·S⌉ tokens at most):
/// - the process itself before any model (`processBytes`: code, libraries, OpenBLAS's buffers);
/// - the parameters 4P, read from the checkpoint straight into the store (`Checkpoint.streamed`:
///   the file's bytes are never held whole; a store for decoding has no gradients);
/// - with `--precision int8`, the quantized weights (`Int8Decoder.bytes`), then, once the fp32
///   weights they replace are given back (`Int8Decoder.replacedBytes`, less from what follows),
///   one search's int8 scratch over N rows (`Int8Decoder.scratchBytes`) and oneDNN's own state
///   (`oneDNNBytes`);
/// - `Seq2Seq.Inference` over N rows (`Seq2Seq.Inference.floats`), the candidates of `NextTokens`
///   (K + 1 per row) and the beam's ranking of them (K·(K + 1) per sentence);
/// - beam search's history: 2·N entries a step for T + 1 steps, 16 bytes each, and with
///   `--attention` each entry's a_t (S floats); greedy search keeps a_t of T + 1 steps per sentence.
public enum DecodingMemory {
    /// What `nmt translate` is resident in before it loads a model, rounded up: its code and
    /// libraries (ICU's data, the Swift runtime), the tokenizer's tables and OpenBLAS's buffers.
    public static let processBytes = Double(48 << 20)
    /// oneDNN's engine, its kernels made at run time and its scratchpad, rounded up.
    public static let oneDNNBytes = Double(64 << 20)

    public static func bytes(configuration: Seq2SeqConfiguration, precision: Precision = .fp32, beam K: Int, batchSize B: Int,
                             maximumSourceLength S: Int, maxLengthRatio: Double, alignments: Bool) -> Double {
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: configuration, layout: &layout)
        let P = Double(layout.count)
        let N = Double(B) * Double(K)
        let steps = (maxLengthRatio * Double(S)).rounded(.up) + 2
        // Loaded (and quantized), then decoding, with what int8 gave back before it.
        var loaded = 4 * P, bytes = 0.0, released = 0.0
        if precision == .int8 {
            loaded += Int8Decoder.bytes(model: model)
            released = Int8Decoder.replacedBytes(model: model)
            bytes += Int8Decoder.scratchBytes(model: model, rows: B * K) + oneDNNBytes
        }
        bytes += 4 * Seq2Seq.Inference.floats(configuration: configuration, rows: B * K, sentences: B, sourceLength: S)
        // `NextTokens`: k = K + 1 candidates a row (fewer for a tiny vocabulary), 8 bytes each;
        // the beam's candidate list K·k (24 bytes each).
        let k = Double(max(1, min(K + 1, configuration.targetVocabularySize - 2)))   // <pad>, <go> never
        bytes += N * (k + 1) * 8 + Double(K) * k * 24
        if K > 1 {
            let entries = N * 2 * steps
            bytes += entries * 16 + (alignments ? entries * Double(S) * 4 : 0)
        } else {
            bytes += Double(B) * steps * (12 + (alignments ? Double(S) * 4 : 0))
        }
        return processBytes + loaded + max(0, bytes - released)
    }

    /// Bytes of an attention map of `source` × `target` tokens: the weights and the SVG text
    /// (~200 bytes a cell, held as the document, its rendering and the bytes written).
    public static func attentionMapBytes(source: Int, target: Int) -> Double {
        Double(source) * Double(target) * (4 + 3 * 200)
    }
}
