import Decode
import Model
import Tensor

/// An upper bound on the memory `nmt translate` allocates, within about a factor of 2, from the
/// shapes alone, checked against the machine before the model is loaded (`--beam 100000` once
/// asked for 24 GB, `--max-length-ratio 1e9` for 480 GB, and died).
///
/// In bytes (P parameters; N = B·K rows for batch B and beam K; S the largest bucket's source
/// length, the longest piece a line is cut into; T = ⌈ratio·S⌉ tokens at most):
/// - loading: the checkpoint file read whole and its tensors copied (2 × its size), parameters
///   and their (unused) gradients 8P;
/// - `Seq2Seq.Inference` over N rows (`Seq2Seq.Inference.floats`), the candidates of `NextTokens`
///   (K + 1 per row) and the beam's ranking of them (K·(K + 1) per sentence);
/// - beam search's history: 2·N entries a step for T + 1 steps, 16 bytes each, and with
///   `--attention` each entry's a_t (S floats); greedy search keeps a_t of T + 1 steps per sentence.
public enum DecodingMemory {
    public static func bytes(configuration: Seq2SeqConfiguration, checkpointBytes: Int, beam K: Int, batchSize B: Int,
                             maximumSourceLength S: Int, maxLengthRatio: Double, alignments: Bool) -> Double {
        var layout = ParameterLayout()
        _ = Seq2Seq(configuration: configuration, layout: &layout)
        let P = Double(layout.count)
        let N = Double(B) * Double(K)
        let steps = (maxLengthRatio * Double(S)).rounded(.up) + 2
        var bytes = 2 * Double(checkpointBytes) + 8 * P
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
        return bytes
    }

    /// Bytes of an attention map of `source` × `target` tokens: the weights and the SVG text
    /// (~200 bytes a cell, held as the document, its rendering and the bytes written).
    public static func attentionMapBytes(source: Int, target: Int) -> Double {
        Double(source) * Double(target) * (4 + 3 * 200)
    }
}
