import CDecode
import Model
import Tensor

/// The other models of an ensemble (Marian's and OpenNMT-py's): they decode beside the search's
/// own model on the same rows (the search's choices), each from its own source ids, and at each
/// step the search reads the mean of the models' log-probabilities,
///
///     log p(y | …) = (1/M) Σ_m log softmax(h̃_t^m · W_m^T + b_m)_y,
///
/// unnormalized, as the anchors score (the mean of log-probabilities is no log-probability).
/// The models must share the target vocabulary. Two copies of one model give its own scores
/// bit for bit: ½x + ½x = x, and the kernel's log Σ exp is the search's own.
public final class Ensemble {
    /// Models 2…M; model 1 is the search's own `Seq2Seq.Inference`.
    public let members: [Seq2Seq.Inference]
    /// Whether each member reads its source reversed (its recipe's `data.reverse_source`).
    let reverseSource: [Bool]
    /// (1/M) Σ_m log p_m of the last step [maximumRows, Vt].
    private let combined: Matrix
    /// A zero bias for reading `combined` with the candidates kernel [1, Vt].
    let zeroBias: Matrix
    private let storage: Workspace

    /// - Parameters:
    ///   - models: models 2…M with their parameters and `data.reverse_source`.
    ///   - maximumRows: the search's rows (batch × beam).
    public init(models: [(model: Seq2Seq, parameters: ParameterStore, reverseSource: Bool)], maximumRows: Int) {
        precondition(!models.isEmpty, "an ensemble of one model")
        members = models.map { Seq2Seq.Inference(model: $0.model, parameters: $0.parameters, maximumRows: maximumRows) }
        reverseSource = models.map(\.reverseSource)
        let V = models[0].model.configuration.targetVocabularySize
        precondition(models.allSatisfy { $0.model.configuration.targetVocabularySize == V }, "ensemble members' target vocabularies differ")
        storage = Workspace(blockSize: (maximumRows + 1) * V)
        combined = storage.matrix(rows: maximumRows, columns: V)
        zeroBias = storage.matrix(rows: 1, columns: V)
        zeroBias.fill(0)
    }

    /// Encodes each member's sources of the batch (`sources[m][b]`: member m's ids of sentence b).
    func start(_ sources: [[[Int32]]]) {
        precondition(sources.count == members.count, "\(sources.count) source sets for \(members.count) members")
        for (m, member) in members.enumerated() { member.start(sources: sources[m], reverseSource: reverseSource[m]) }
    }

    func step(ids: UnsafeBufferPointer<Int32>) {
        for member in members { member.step(ids: ids) }
    }

    func select(origins: UnsafeBufferPointer<Int32>) {
        for member in members { member.select(origins: origins) }
    }

    /// The mean log-probabilities of the step just taken [rowCount, Vt] (read with `zeroBias`):
    /// one pass of `nmt_decode_log_softmax_accumulate` a model, the rows split as `NextTokens`
    /// splits them. Allocates nothing.
    func logProbabilities(_ primary: Seq2Seq.Inference) -> Matrix {
        let out = combined.rows(0..<primary.rowCount)
        let scale = 1 / Float(members.count + 1)
        accumulate(primary, into: out, scale: scale, first: true)
        for member in members { accumulate(member, into: out, scale: scale, first: false) }
        return out
    }

    /// out (=, or += when not `first`) scale · log softmax(logits + bias) of `inference`'s last step.
    private func accumulate(_ inference: Seq2Seq.Inference, into out: Matrix, scale: Float, first: Bool) {
        let logits = inference.logits, bias = inference.outputBias
        NextTokens.forEachPart(rows: out.rows, columns: out.columns) { rows in
            nmt_decode_log_softmax_accumulate(Int32(rows.count), Int32(out.columns), logits.row(rows.lowerBound), Int32(logits.stride),
                                              bias.base, scale, first ? 0 : 1, out.row(rows.lowerBound), Int32(out.stride))
        }
    }
}
