import Tensor

/// Global attention of Luong et al. 2015 (§3.1) over the top encoder layer's states h̄_s:
/// a_t = masked softmax over s of score(h_t, h̄_s) (eq. 7), context c_t = Σ_s a_ts h̄_s, and the
/// attentional state h̃_t = tanh([c_t; h_t]·W_c) (eq. 5, row-vector convention).
/// Scores (eq. 8): `dot` h_tᵀh̄_s; `general` h_tᵀ(W_a h̄_s), computed as h_t·keys_s with
/// keys = h̄·W_a once per batch; `concat` v_aᵀ tanh([h_t; h̄_s]·W_a), with h̄·W_a[H..<2H] once per
/// batch and h_t·W_a[0..<H] once per step.
public struct LuongAttention: Sendable {
    public enum Score: String, Sendable, CaseIterable {
        case dot, general, concat
    }

    public let score: Score
    public let hidden: Int
    public let weight: ParameterView?      // W_a: general [hidden, hidden]; concat [2·hidden, hidden]
    public let vector: ParameterView?      // v_a [1, hidden] (concat)
    public let combine: ParameterView      // W_c [2·hidden, hidden]

    /// Adds `attention.W_a` (general, concat), `attention.v_a` (concat) and `attention.W_c`.
    public init(score: Score, hidden: Int, layout: inout ParameterLayout) {
        self.score = score
        self.hidden = hidden
        switch score {
        case .dot:
            weight = nil; vector = nil
        case .general:
            weight = layout.add("attention.W_a", rows: hidden, columns: hidden); vector = nil
        case .concat:
            weight = layout.add("attention.W_a", rows: 2 * hidden, columns: hidden)
            vector = layout.add("attention.v_a", rows: 1, columns: hidden)
        }
        combine = layout.add("attention.W_c", rows: 2 * hidden, columns: hidden)
    }

    /// Per batch: the source states, their keys, and per decoder row the values `backward` needs.
    /// Source states are one block of S rows per sentence (rows b·S ..< (b + 1)·S); which block a
    /// query row attends to is its `DecoderRows` sentence.
    public struct Cache {
        public var sourceLength: Int
        public var sourceStates: Matrix          // h̄ [batch·S, hidden], zero where masked
        public var keys: Matrix                  // dot: h̄; general: h̄·W_a; concat: h̄·W_a[H..<2H] [batch·S, hidden]
        public var start: [Int32]                // first unmasked source position of each block [batch]
        public var projectedQueries: Matrix      // concat: h_t·W_a[0..<H] [rows, hidden]
        public var alignments: Matrix            // a_t [rows, S]
        public var contextAndState: Matrix       // [c_t; h_t] [rows, 2·hidden]
        public var attentionalStates: Matrix     // h̃_t [rows, hidden]

        /// No sources and no rows (a decoder's storage before its first batch).
        static func none(hidden: Int, workspace: Workspace) -> Cache {
            let empty = workspace.uninitialized(rows: 0, columns: hidden)
            return Cache(sourceLength: 0, sourceStates: empty, keys: empty, start: [], projectedQueries: empty,
                         alignments: empty, contextAndState: empty, attentionalStates: empty)
        }
    }

    /// Keys for one batch and room for `rows` packed decoder rows.
    /// - Parameters: sourceStates [batch·S, hidden] (zero at masked positions); start [batch].
    public func prepare(sourceStates: Matrix, sourceLength: Int, start: [Int32], rows: Int,
                        parameters: ParameterStore, workspace: Workspace) -> Cache {
        precondition(sourceStates.columns == hidden && sourceStates.rows == start.count * sourceLength, "source states shape")
        var keys = sourceStates
        if let weight {
            keys = workspace.uninitialized(rows: sourceStates.rows, columns: hidden)
            GEMM.multiply(sourceStates, parameters.value(weight).rows((weight.rows - hidden)..<weight.rows), into: keys)
        }
        return Cache(sourceLength: sourceLength, sourceStates: sourceStates, keys: keys, start: start,
                     projectedQueries: workspace.uninitialized(rows: score == .concat ? rows : 0, columns: hidden),
                     alignments: workspace.uninitialized(rows: rows, columns: sourceLength),
                     contextAndState: workspace.uninitialized(rows: rows, columns: 2 * hidden),
                     attentionalStates: workspace.uninitialized(rows: rows, columns: hidden))
    }

    /// One decoder step for rows `rows` of the cache: writes a_t, [c_t; h_t], h̃_t.
    /// - Parameters: query: h_t [rows.count, hidden]; sentences: the source block of each row
    ///   (default: row i of the step attends to block i, training's packed order); int8: take
    ///   h_t·W_a[0..<H] (concat) and [c_t; h_t]·W_c in int8 (`Int8Decoder`; nil: fp32).
    public func forward(rows: Range<Int>, query: Matrix, cache: Cache, sentences: DecoderRows = .inOrder,
                        parameters: ParameterStore, int8: Int8Decoder.Products? = nil) {
        let count = rows.count
        guard count > 0 else { return }
        let combined = cache.contextAndState.rows(rows)
        combined.columns(hidden..<(2 * hidden)).copy(from: query)
        var scoringQuery = query
        if score == .concat, let weight {
            scoringQuery = cache.projectedQueries.rows(rows)
            if let product = int8?.queryProjection {
                product.multiply(query, into: scoringQuery)
            } else {
                GEMM.multiply(query, parameters.value(weight).rows(0..<hidden), into: scoringQuery)
            }
        }
        let alignments = cache.alignments.rows(rows)
        sentences.withSentences(count) { sentences in
            cache.start.withUnsafeBufferPointer { start in
                nmt_attention_forward(Int32(count), Int32(cache.sourceLength), Int32(hidden), score == .concat ? 1 : 0,
                                      scoringQuery.base, Int32(scoringQuery.stride), cache.keys.base, cache.sourceStates.base,
                                      sentences, start.baseAddress!, vector.map { parameters.value($0).base },
                                      alignments.base, Int32(alignments.stride), combined.base, Int32(combined.stride))
            }
        }
        let attentional = cache.attentionalStates.rows(rows)
        if let int8 {
            int8.combine.multiply(combined, into: attentional)
        } else {
            GEMM.multiply(combined, parameters.value(combine), into: attentional)
        }
        nmt_tanh(Int32(count), Int32(hidden), attentional.base, Int32(attentional.stride))
    }

    /// What the backward sweep accumulates; `makeGradients` zero-fills it.
    public struct Gradients {
        public var dSourceStates: Matrix         // [batch·S, hidden]
        public var dKeys: Matrix                 // general, concat [batch·S, hidden]; dot: dSourceStates
        public var dPreactivations: Matrix       // dL/d([c; h]·W_c) [rows, hidden]
        public var dProjectedQueries: Matrix     // concat [rows, hidden]
        public var dContext: Matrix              // one step's dL/dc_t [batch, hidden]
        public var scratch: Matrix               // [1, S]
    }

    public func makeGradients(cache: Cache, workspace: Workspace) -> Gradients {
        let dSourceStates = workspace.matrix(rows: cache.sourceStates.rows, columns: hidden)
        return Gradients(
            dSourceStates: dSourceStates,
            dKeys: weight == nil ? dSourceStates : workspace.matrix(rows: cache.sourceStates.rows, columns: hidden),
            dPreactivations: workspace.uninitialized(rows: cache.attentionalStates.rows, columns: hidden),
            dProjectedQueries: workspace.matrix(rows: cache.projectedQueries.rows, columns: hidden),
            dContext: workspace.uninitialized(rows: cache.start.count, columns: hidden),
            scratch: workspace.uninitialized(rows: 1, columns: max(cache.sourceLength, 1)))
    }

    /// Backward of one step: dQuery (+)= dL/dh_t given dL/dh̃_t; the sources' gradients accumulate
    /// in `gradients` (finished by `finishBackward`).
    /// - Parameters: dAttentionalState [rows.count, hidden] (complete); query h_t and dQuery [rows.count, hidden].
    public func backward(rows: Range<Int>, query: Matrix, dAttentionalState: Matrix, dQuery: Matrix, cache: Cache,
                         sentences: DecoderRows = .inOrder, gradients: Gradients, parameters: ParameterStore) {
        let count = rows.count
        guard count > 0 else { return }
        let dPre = gradients.dPreactivations.rows(rows), attentional = cache.attentionalStates.rows(rows)
        nmt_tanh_backward(Int32(count), Int32(hidden), attentional.base, Int32(attentional.stride),
                          dAttentionalState.base, Int32(dAttentionalState.stride), dPre.base, Int32(dPre.stride))
        let combine = parameters.value(self.combine)
        let dContext = gradients.dContext.rows(0..<count)
        GEMM.multiply(dPre, combine.rows(0..<hidden), transposeB: true, into: dContext)
        GEMM.multiply(dPre, combine.rows(hidden..<(2 * hidden)), transposeB: true, into: dQuery, beta: 1)
        let scoringQuery = score == .concat ? cache.projectedQueries.rows(rows) : query
        let dScoringQuery = score == .concat ? gradients.dProjectedQueries.rows(rows) : dQuery
        let alignments = cache.alignments.rows(rows)
        sentences.withSentences(count) { sentences in
            cache.start.withUnsafeBufferPointer { start in
                nmt_attention_backward(Int32(count), Int32(cache.sourceLength), Int32(hidden), score == .concat ? 1 : 0,
                                       scoringQuery.base, Int32(scoringQuery.stride), cache.keys.base, cache.sourceStates.base,
                                       sentences, start.baseAddress!, vector.map { parameters.value($0).base },
                                       alignments.base, Int32(alignments.stride), dContext.base, Int32(dContext.stride),
                                       dScoringQuery.base, Int32(dScoringQuery.stride), gradients.dKeys.base,
                                       gradients.dSourceStates.base, vector.map { parameters.gradient($0).base },
                                       gradients.scratch.base)
            }
        }
        if score == .concat, let weight {
            GEMM.multiply(dScoringQuery, parameters.value(weight).rows(0..<hidden), transposeB: true, into: dQuery, beta: 1)
        }
    }

    /// After the sweep: the weight gradients in one GEMM each, and dL/dh̄ (returned, [batch·S, hidden]).
    /// - Parameter queries: every step's h_t, packed like the cache's rows [rows, hidden].
    public func finishBackward(queries: Matrix, cache: Cache, gradients: Gradients, parameters: ParameterStore) -> Matrix {
        GEMM.multiply(cache.contextAndState, transposeA: true, gradients.dPreactivations,
                      into: parameters.gradient(combine), beta: 1)
        if let weight {
            let keyRows = (weight.rows - hidden)..<weight.rows
            GEMM.multiply(cache.sourceStates, transposeA: true, gradients.dKeys, into: parameters.gradient(weight).rows(keyRows), beta: 1)
            GEMM.multiply(gradients.dKeys, parameters.value(weight).rows(keyRows), transposeB: true,
                          into: gradients.dSourceStates, beta: 1)
            if score == .concat {
                GEMM.multiply(queries, transposeA: true, gradients.dProjectedQueries,
                              into: parameters.gradient(weight).rows(0..<hidden), beta: 1)
            }
        }
        return gradients.dSourceStates
    }
}
