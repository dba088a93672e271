#if canImport(Glibc)
import Glibc
#endif
import CVectorMath
import Tensor

/// Sampled softmax (Jean et al. 2015, §3) with TensorFlow's `tf.nn.sampled_softmax_loss` semantics
/// (`_compute_sampled_logits`, `subtract_log_q=True`, `remove_accidental_hits=True`): one candidate
/// set V′ per call, shared by every row; for a row with state h and label y,
///
///     true logit      h·w_y + b_y − log(expectedCount(y))
///     sampled logits  h·w_s + b_s − log(expectedCount(s))   for s in V′, −∞ where s == y
///     CE              softmax cross-entropy over [true, sampled…] with the true class at index 0.
///
/// Training uses this; `evaluate` uses the full softmax over the vocabulary, as TF evaluates.
/// The products go through three GEMMs over the rows with nonzero weight only: the candidates'
/// rows of `output.weight` are gathered into a [numSampled, H] matrix once per call.
public struct SampledSoftmax: TokenLoss {
    public let weight: ParameterView        // output.weight [V, H]
    public let bias: ParameterView          // output.bias [1, V]
    public let numSampled: Int
    public let sampler: LogUniformSampler
    private let scratch: Scratch

    /// Integer buffers reused from call to call, so that a step allocates nothing after the first.
    private final class Scratch {
        var candidates = LogUniformSampler.Candidates()
        /// Rows with nonzero weight, in order.
        var live = LiveRows()
        /// `columnOf[k]` is k's index in the current candidates, or −1 (reset after each call).
        var columnOf: [Int32]
        var sliceSquaredNorm = 0.0
        var labelSliceSquaredNorm = 0.0
        var candidateSlices: (weight: Matrix, bias: Matrix)?
        init(vocabularySize: Int) { columnOf = [Int32](repeating: -1, count: vocabularySize) }
    }

    /// Rows of the full-softmax logits computed at once by `evaluate` (a [rows, V] workspace block,
    /// 33 MB for V = 32,000). OpenBLAS packs output.weight once per block, so fewer, larger
    /// blocks are quicker; 256 rows timed better than 64 for a config-M batch.
    public static let evaluationRows = 256

    public init(weight: ParameterView, bias: ParameterView, numSampled: Int, sampler: LogUniformSampler) {
        precondition(bias.count == weight.rows, "output.bias has \(bias.count) entries for \(weight.rows) classes")
        precondition(sampler.rangeMax == weight.rows, "sampler range \(sampler.rangeMax) ≠ vocabulary \(weight.rows)")
        precondition(numSampled > 0 && numSampled <= weight.rows, "numSampled \(numSampled) must be in 1...\(weight.rows)")
        self.weight = weight
        self.bias = bias
        self.numSampled = numSampled
        self.sampler = sampler
        scratch = Scratch(vocabularySize: weight.rows)
    }

    /// Σ of the squares of the last `forwardBackward`'s output.weight and output.bias gradients
    /// as TF holds them: `IndexedSlices` with one slice per label row and one per candidate, not
    /// merged by id. TF's `clip_by_global_norm` sums these squares rather than those of the
    /// merged rows; pass this to `GradientClipping.clipByGlobalNorm(_:maxNorm:slices:)` to clip
    /// as TF does.
    public var sliceSquaredNorm: Double { scratch.sliceSquaredNorm }

    /// The last `forwardBackward`'s candidate slices before they were scattered into the store,
    /// dW′ [S, H] and db′ [1, S] (views into its workspace, valid until the workspace is reset;
    /// nil when no row had a weight), and the Σ of the squares of its label slices. Data-parallel
    /// training sums both over the ranks, since the global batch's `sliceSquaredNorm` squares the
    /// summed candidate slices: `candidateSquaredNorm` of the sums plus the summed label part.
    public var candidateSlices: (weight: Matrix, bias: Matrix)? { scratch.candidateSlices }
    public var labelSliceSquaredNorm: Double { scratch.labelSliceSquaredNorm }

    /// The last call's candidate ids V′ (the same on every rank of data-parallel training, whose
    /// samplers draw alike).
    public var candidateIDs: [Int32] { scratch.candidates.ids }

    /// Σ_j |dW′_j|² + db′_j², the candidates' share of `sliceSquaredNorm`.
    public static func candidateSquaredNorm(weight: Matrix, bias: Matrix) -> Double {
        precondition(bias.count == weight.rows, "\(bias.count) bias slices for \(weight.rows) weight slices")
        var squares = 0.0
        for j in 0..<weight.rows {
            squares += Double(dot(weight.row(j), weight.row(j), count: weight.columns)) + Double(bias.base[j] * bias.base[j])
        }
        return squares
    }

    /// Draws this call's candidates, then `forwardBackward(…, candidates:, …)`.
    public func forwardBackward(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>, scale: Float,
                                parameters: ParameterStore, workspace: Workspace) -> (loss: Double, dStates: Matrix) {
        sampler.sample(numSampled, into: &scratch.candidates)
        return forwardBackward(states: states, labels: labels, weights: weights, scale: scale,
                               candidates: scratch.candidates, parameters: parameters, workspace: workspace)
    }

    /// The loss and gradients for a given candidate set (tests pass a fixed one); the true classes'
    /// expected counts follow from `candidates.numTries` by the sampler's formula.
    /// - Parameters: states h̃ [N, H]; labels [N]; weights [N]; scale multiplies every CE (1/B).
    /// - Returns: Σ weights·CE·scale and dStates [N, H] (zero on rows of weight 0), after adding
    ///   into the gradient rows of `output.weight`/`output.bias` of the labels and candidates only.
    /// - Complexity: 3 GEMMs of 2·n·numSampled·H flops for the n rows of nonzero weight, most of
    ///   the time this takes.
    public func forwardBackward(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>, scale: Float,
                                candidates: LogUniformSampler.Candidates,
                                parameters: ParameterStore, workspace: Workspace) -> (loss: Double, dStates: Matrix) {
        let hidden = states.columns, vocabulary = weight.rows
        let sampled = candidates.count
        precondition(hidden == weight.columns, "states have \(hidden) columns, output.weight \(weight.columns)")
        precondition(sampled > 0 && candidates.expectedCounts.count == sampled, "bad candidate set")
        let dStates = workspace.matrix(rows: states.rows, columns: hidden)
        scratch.live.select(labels: labels, weights: weights, count: states.rows, vocabulary: vocabulary)
        let active = scratch.live.rows, rows = active.count
        scratch.sliceSquaredNorm = 0
        scratch.labelSliceSquaredNorm = 0
        scratch.candidateSlices = nil
        if rows == 0 { return (0, dStates) }

        let outputWeight = parameters.value(weight), outputBias = parameters.value(bias).base
        let weightGradient = parameters.gradient(weight), biasGradient = parameters.gradient(bias).base

        // 1. Gather: the active states X [n, H]; the candidates' weight rows W′ [S, H] and their
        //    bias minus log Q [S]; each candidate's column (for accidental hits).
        let inputs = scratch.live.gather(states, workspace: workspace)
        let candidateWeight = workspace.uninitialized(rows: sampled, columns: hidden)
        let candidateBias = workspace.uninitialized(rows: 1, columns: sampled).base
        let biasSumsMatrix = workspace.matrix(rows: 1, columns: sampled)   // Σ_rows dLogits, for output.bias
        let biasSums = biasSumsMatrix.base
        let trueGradient = workspace.uninitialized(rows: 1, columns: rows).base
        scratch.columnOf.withUnsafeMutableBufferPointer { columnOf in
            for j in 0..<sampled {
                let id = Int(candidates.ids[j])
                precondition(id >= 0 && id < vocabulary && columnOf[id] < 0, "candidate \(id) out of range or repeated")
                columnOf[id] = Int32(j)
                candidateWeight.row(j).update(from: outputWeight.row(id), count: hidden)
                candidateBias[j] = outputBias[id] - log(candidates.expectedCounts[j])
            }
        }

        // 2. Sampled logits [n, S] = X · W′ᵀ, one GEMM.
        let logits = workspace.uninitialized(rows: rows, columns: sampled)
        GEMM.multiply(inputs, candidateWeight, transposeB: true, into: logits)

        // 3. Row by row: the true logit, the softmax over [true, sampled…], the loss, and dLogits
        //    written over the logits.
        var loss = 0.0
        scratch.columnOf.withUnsafeBufferPointer { columnOf in
            for i in 0..<rows {
                let row = active[i], label = Int(labels[row])
                let logQ = log(sampler.expectedCount(of: label, numSampled: sampled, numTries: candidates.numTries))
                let trueLogit = dot(inputs.row(i), outputWeight.row(label), count: hidden) + outputBias[label] - logQ
                let hit = Int(columnOf[label])
                let g = weights[row] * scale
                let (crossEntropy, dTrue) = Self.softmaxCrossEntropy(
                    trueLogit: trueLogit, logits: logits.row(i), bias: candidateBias, count: sampled,
                    accidentalHit: hit, gradientScale: g, biasSums: biasSums)
                loss += Double(weights[row]) * Double(scale) * crossEntropy
                trueGradient[i] = dTrue
            }
        }

        // 4. dX [n, H] = dLogits · W′ + dTrue·w_y; dW′ [S, H] = dLogitsᵀ · X, scattered (candidates
        //    are distinct) into the gradient rows; the true classes' rows get dTrue·h.
        let dInputs = workspace.uninitialized(rows: rows, columns: hidden)
        GEMM.multiply(logits, candidateWeight, into: dInputs)
        let dCandidateWeight = workspace.uninitialized(rows: sampled, columns: hidden)
        GEMM.multiply(logits, transposeA: true, inputs, into: dCandidateWeight)
        scratch.columnOf.withUnsafeMutableBufferPointer { columnOf in
            for j in 0..<sampled {
                let id = Int(candidates.ids[j])
                addScaled(weightGradient.row(id), dCandidateWeight.row(j), 1, count: hidden)
                biasGradient[id] += biasSums[j]
                columnOf[id] = -1
            }
        }
        var sliceSquares = Self.candidateSquaredNorm(weight: dCandidateWeight, bias: biasSumsMatrix)
        var labelSquares = 0.0
        for i in 0..<rows {
            let row = active[i], label = Int(labels[row]), dTrue = trueGradient[i]
            addScaled(dInputs.row(i), outputWeight.row(label), dTrue, count: hidden)
            addScaled(weightGradient.row(label), inputs.row(i), dTrue, count: hidden)
            biasGradient[label] += dTrue
            dStates.row(row).update(from: dInputs.row(i), count: hidden)
            let square = Double(dTrue * dTrue) * (Double(dot(inputs.row(i), inputs.row(i), count: hidden)) + 1)
            sliceSquares += square
            labelSquares += square
        }
        scratch.sliceSquaredNorm = sliceSquares
        scratch.labelSliceSquaredNorm = labelSquares
        scratch.candidateSlices = (dCandidateWeight, biasSumsMatrix)
        return (loss, dStates)
    }

    /// Full-softmax cross-entropy over the whole vocabulary (dev perplexity), as TF evaluates:
    /// `SoftmaxCrossEntropy`'s, `evaluationRows` rows at a time.
    public func evaluate(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
                         parameters: ParameterStore, workspace: Workspace) -> (crossEntropy: Double, weight: Double) {
        SoftmaxCrossEntropy(weight: weight, bias: bias).evaluate(states: states, labels: labels, weights: weights,
                                                                 parameters: parameters, workspace: workspace,
                                                                 rowsPerBlock: Self.evaluationRows)
    }

    /// One row's softmax cross-entropy over [trueLogit, logits[j] + bias[j]…] with the true class at
    /// index 0. Column `accidentalHit` (≥ 0) gets probability exactly 0, as TF's −FLT_MAX gives it.
    /// Overwrites `logits` with dCE/dlogit · gradientScale, adds that into `biasSums`, and returns
    /// the cross-entropy and dCE/dtrueLogit · gradientScale. Eight lanes at a time (`count` is a
    /// multiple of 8 or the tail runs lane by lane).
    @inline(__always)
    private static func softmaxCrossEntropy(trueLogit: Float, logits: UnsafeMutablePointer<Float>,
                                            bias: UnsafePointer<Float>, count: Int, accidentalHit: Int,
                                            gradientScale: Float, biasSums: UnsafeMutablePointer<Float>)
        -> (crossEntropy: Double, dTrue: Float) {
        let vectorCount = count & ~7
        var j = 0
        while j < vectorCount { nmt_store8(logits + j, nmt_load8(logits + j) + nmt_load8(bias + j)); j += 8 }
        while j < count { logits[j] += bias[j]; j += 1 }
        if accidentalHit >= 0 { logits[accidentalHit] = -.infinity }
        var lanes = SIMD8<Float>(repeating: trueLogit)
        j = 0
        while j < vectorCount { lanes = nmt_max8(lanes, nmt_load8(logits + j)); j += 8 }
        var maximum = nmt_reduce_max8(lanes)
        while j < count { maximum = max(maximum, logits[j]); j += 1 }

        let trueExp = exp(trueLogit - maximum)
        var sums = SIMD8<Float>()
        j = 0
        while j < vectorCount {
            let e = nmt_exp8(nmt_load8(logits + j) - maximum)      // exactly 0 at the hit (−∞)
            nmt_store8(logits + j, e)
            sums += e
            j += 8
        }
        var sum = trueExp + sums.sum()
        while j < count { logits[j] = exp(logits[j] - maximum); sum += logits[j]; j += 1 }

        let factor = gradientScale / sum
        j = 0
        while j < vectorCount {
            let d = nmt_load8(logits + j) * factor
            nmt_store8(logits + j, d)
            nmt_store8(biasSums + j, nmt_load8(biasSums + j) + d)
            j += 8
        }
        while j < count { logits[j] *= factor; biasSums[j] += logits[j]; j += 1 }
        let crossEntropy = Double(log(sum)) + Double(maximum) - Double(trueLogit)
        return (crossEntropy, trueExp * factor - gradientScale)
    }
}

/// Σ a[k]·b[k], in eight lanes.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var k = 0
    while k + 8 <= count {
        lanes += nmt_load8(a + k) * nmt_load8(b + k)
        k += 8
    }
    var sum = lanes.sum()
    while k < count { sum += a[k] * b[k]; k += 1 }
    return sum
}

/// y[k] += alpha · x[k].
@inline(__always)
func addScaled(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ alpha: Float, count: Int) {
    for k in 0..<count { y[k] += alpha * x[k] }
}
