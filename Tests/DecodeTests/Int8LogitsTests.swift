import Foundation
import Testing
import Data
import IO
import Model
import Tensor
import ModelTestSupport

/// A small model's first decoder step in int8 (`Int8Decoder`) against fp32, within a bound
/// carried through the step from the products' quantization bounds:
///
/// - a product a′·W in int8 (a′ the int8 run's input) is within P_j(a′, W) of a′·W, the bound of
///   `Int8ProductTests` (half a step of each operand, plus fp32 rounding);
/// - so z (each gate's pre-activation) is within Δz_j = P_j(x′, W) + Σ_k |W_kj|·Δx_k, Δx the
///   input's own error (0 for layer 0: the embedding and the encoder's states are fp32 in both);
/// - each σ or tanh moves by at most its largest slope over [z − Δz, z + Δz] times Δz (z the fp32
///   run's, recomputed in Double), and a product uv by |u|·Δv + |v|·Δu + Δu·Δv: so the cell
///   c = σ(f + 1)·c₋₁ + σ(i)·tanh(g) (c₋₁ the encoder's, the same in both runs) and h = σ(o)·tanh(c)
///   get their Δ;
/// - attention: a score moves by at most δ_s = Σ_k Δq_k·|key_sk| (concat: Σ_j |v_j|·(the Δ of
///   tanh of its projection)); softmax moves by at most 2·max_s δ_s in ℓ1, so the context by at most that
///   times max_s |h̄_sk|; h̃ = tanh([c; h]·W_c) and the logits h̃·Wᵀ add their products' P;
/// - plus 1e-5 for the fp32 kernels (exp, tanh, the attention sums), which round differently at
///   different inputs.
@Suite struct Int8LogitsTests {
    /// P_j(a, W) of `Int8ProductTests`: a's row quantized over `levels` steps, W's column j per output.
    static func productBound(_ a: [Double], _ w: (Int, Int) -> Double, outputs N: Int, levels: Int32) -> [Double] {
        let K = a.count
        let lo = min(0, a.min()!), hi = max(0, a.max()!)
        let sa = hi > lo ? Double(Float(hi - lo) / Float(levels)) : 1
        return (0..<N).map { j in
            let sw = (0..<K).map { abs(w($0, j)) }.max()! / 127
            var bound = 0.0, magnitude = 0.0
            for k in 0..<K {
                let x = abs(a[k]), y = abs(w(k, j))
                bound += sa / 2 * y + (x + sa / 2) * sw / 2
                magnitude += (x + sa / 2) * (y + sw / 2)
            }
            return bound + Double(K + 3) * 0x1p-23 * magnitude
        }
    }

    static func row(_ m: Matrix, _ r: Int) -> [Double] { (0..<m.columns).map { Double(m[r, $0]) } }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
    /// The most σ moves when its argument moves by at most d from z: σ′ peaks at 0 and falls away
    /// from it, so over [z − d, z + d] it is at most σ′(max(0, |z| − d)).
    static func sigmoidRadius(_ z: Double, _ d: Double) -> Double {
        let s = sigmoid(max(0, abs(z) - d))
        return s * (1 - s) * d
    }
    /// The same for tanh (tanh′ = 1 − tanh², peaked at 0).
    static func tanhRadius(_ z: Double, _ d: Double) -> Double {
        let t = tanh(max(0, abs(z) - d))
        return (1 - t * t) * d
    }

    @Test(arguments: LuongAttention.Score.allCases, [1, 2])
    func firstStepLogitsWithinTheBound(score: LuongAttention.Score, layers: Int) throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let tiny = TinyModel(Seq2SeqConfiguration(sourceVocabularySize: 13, targetVocabularySize: 29, embedding: 8, hidden: 16,
                                                  layers: layers, score: score, inputFeeding: true, dropout: 0),
                             scale: 0.5, seed: 5)
        let model = tiny.model, store = tiny.store, decoder = model.decoder
        let E = decoder.embeddingSize, H = decoder.hidden, V = model.configuration.targetVocabularySize
        let sources: [[Int32]] = [[4, 5, 6, 7, 8], [5, 7], [12, 6, 4]]
        let B = sources.count, S = 5
        let workspace = Workspace(blockSize: 1 << 20)
        var padded = [Int32](repeating: Batch.pad, count: B * S)
        for (b, source) in sources.enumerated() { Batch.placeSource(source, reverse: true, into: &padded, row: b, length: S) }
        let encoded = model.encoder.forward(source: padded, sentences: B, sourceLength: S, order: Array(0..<B), dropout: 0,
                                            parameters: store, workspace: workspace)
        // Layer 0's whole product is taken (no table of embedding gates): limit 0.
        let weights = try #require(Int8Decoder(model: model, parameters: store, embeddingGateLimit: 0))
        let scratch = try #require(Int8Scratch())
        let levels = scratch.levels

        /// The first step from `<go>` as `Seq2Seq.Inference` takes it, and its logits.
        func firstStep(int8: Int8Decoder.Products?) -> (AttentionalDecoder.Cache, Matrix) {
            var step = decoder.makeCache(rows: B, workspace: workspace)
            step.attention = decoder.attention.prepare(sourceStates: encoded.sourceStates, sourceLength: S, start: encoded.start,
                                                       rows: B, parameters: store, workspace: workspace)
            for (l, layer) in decoder.layers.enumerated() {
                step.layer(l).inputs.columns(layer.inputSize..<(layer.inputSize + H)).copy(from: encoded.finalHidden[l])
                step.previous(l)!.copy(from: encoded.finalCells[l])
            }
            step.layer(0).inputs.columns(E..<(E + H)).fill(0)
            [Int32](repeating: Batch.go, count: B).withUnsafeBufferPointer {
                decoder.embedding.forward(ids: $0, into: step.layer(0).inputs.columns(0..<E), parameters: store)
            }
            decoder.forward(step, sentences: .inOrder, embeddingPreloaded: false, parameters: store, int8: int8)
            let logits = workspace.uninitialized(rows: B, columns: V)
            if let int8 {
                int8.output.multiply(step.attentionalStates, into: logits)
            } else {
                GEMM.multiply(step.attentionalStates, store.value(model.outputWeight), transposeB: true, into: logits)
            }
            return (step, logits)
        }
        let (exact, exactLogits) = firstStep(int8: nil)
        let (quantized, logits) = firstStep(int8: Int8Decoder.Products(weights, scratch: scratch))

        var worst = 0.0, largest = 0.0, widest = 0.0
        for r in 0..<B {
            // The layers: Δz from the product and the input's error, then the cell (z, c at the fp32 run's values).
            var dBelow = [Double](repeating: 0, count: H)
            for (l, layer) in decoder.layers.enumerated() {
                let W = store.value(layer.weight), bias = store.value(layer.bias), K = layer.inputSize + H
                let x = Self.row(quantized.layer(l).inputs, r), xExact = Self.row(exact.layer(l).inputs, r)
                let dx = (l == 0 ? [Double](repeating: 0, count: layer.inputSize) : dBelow) + [Double](repeating: 0, count: H)
                let P = Self.productBound(x, { Double(W[$0, $1]) }, outputs: 4 * H, levels: levels)
                let dz = (0..<(4 * H)).map { j in P[j] + (0..<K).reduce(0.0) { $0 + abs(Double(W[$1, j])) * dx[$1] } }
                let z = (0..<(4 * H)).map { j in (0..<K).reduce(Double(bias[0, j])) { $0 + xExact[$1] * Double(W[$1, j]) } }
                let previous = Self.row(encoded.finalCells[l], r)
                dBelow = (0..<H).map { k in
                    let i = Self.sigmoid(z[k]), ri = Self.sigmoidRadius(z[k], dz[k])
                    let rf = Self.sigmoidRadius(z[H + k] + 1, dz[H + k])
                    let g = tanh(z[2 * H + k]), rg = Self.tanhRadius(z[2 * H + k], dz[2 * H + k])
                    let o = Self.sigmoid(z[3 * H + k]), ro = Self.sigmoidRadius(z[3 * H + k], dz[3 * H + k])
                    let c = Self.sigmoid(z[H + k] + 1) * previous[k] + i * g
                    let dc = abs(previous[k]) * rf + i * rg + abs(g) * ri + ri * rg
                    let t = tanh(c), rt = Self.tanhRadius(c, dc)
                    return o * rt + abs(t) * ro + ro * rt
                }
            }
            let dQuery = dBelow, queryExact = Self.row(exact.query, r)
            // Attention over the sentence's unmasked positions: each score's Δ, softmax's ℓ1 Δ ≤ 2·max Δscore.
            let attention = decoder.attention, cache = quantized.attention
            let start = Int(cache.start[r])
            var dScore = 0.0, largestState = [Double](repeating: 0, count: H)
            var projection = [Double](), dProjection = [Double]()
            if score == .concat, let weight = attention.weight {
                let Wa = store.value(weight)
                let P = Self.productBound(Self.row(quantized.query, r), { Double(Wa[$0, $1]) }, outputs: H, levels: levels)
                dProjection = (0..<H).map { j in P[j] + (0..<H).reduce(0.0) { $0 + abs(Double(Wa[$1, j])) * dQuery[$1] } }
                projection = (0..<H).map { j in (0..<H).reduce(0.0) { $0 + queryExact[$1] * Double(Wa[$1, j]) } }
            }
            for s in start..<S {
                let key = Self.row(cache.keys, r * S + s), state = Self.row(cache.sourceStates, r * S + s)
                var d = 0.0
                if score == .concat, let vector = attention.vector {
                    let v = store.value(vector)
                    for j in 0..<H { d += abs(Double(v[0, j])) * Self.tanhRadius(projection[j] + key[j], dProjection[j]) }
                } else {
                    for k in 0..<H { d += dQuery[k] * abs(key[k]) }
                }
                dScore = max(dScore, d)
                for k in 0..<H { largestState[k] = max(largestState[k], abs(state[k])) }
            }
            let dCombined = largestState.map { 2 * dScore * $0 } + dQuery
            // h̃ = tanh([c; h]·W_c).
            let Wc = store.value(attention.combine)
            let combinedExact = Self.row(exact.attention.contextAndState, r)
            let Pc = Self.productBound(Self.row(quantized.attention.contextAndState, r), { Double(Wc[$0, $1]) },
                                       outputs: H, levels: levels)
            let dAttentional = (0..<H).map { j in
                let u = (0..<(2 * H)).reduce(0.0) { $0 + combinedExact[$1] * Double(Wc[$1, j]) }
                return Self.tanhRadius(u, Pc[j] + (0..<(2 * H)).reduce(0.0) { $0 + abs(Double(Wc[$1, j])) * dCombined[$1] })
            }
            // The logits.
            let Wo = store.value(model.outputWeight)
            let Po = Self.productBound(Self.row(quantized.attentionalStates, r), { Double(Wo[$1, $0]) }, outputs: V, levels: levels)
            for v in 0..<V {
                let bound = Po[v] + (0..<H).reduce(0.0) { $0 + abs(Double(Wo[v, $1])) * dAttentional[$1] } + 1e-5
                let difference = abs(Double(logits[r, v]) - Double(exactLogits[r, v]))
                worst = max(worst, difference / bound)
                largest = max(largest, difference)
                widest = max(widest, bound)
            }
        }
        print("int8 logits \(score) L=\(layers): largest difference \(largest), widest bound \(widest), \(worst) of the bound")
        #expect(worst <= 1, "\(score) L=\(layers): a logit \(worst) times its bound")
        #expect(largest > 0, "int8 gave the fp32 logits exactly: were the products int8?")
        withExtendedLifetime(workspace) {}
    }
}
