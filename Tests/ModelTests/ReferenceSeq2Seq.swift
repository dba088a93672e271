import Foundation
import Data
import Tensor
@testable import Model

/// The TF peer's `Seq2Seq.loss`, transcribed line by line in Double over the padded batch: the
/// encoder steps every position and keeps its state where the source id is 0, the decoder steps
/// every target position, attention masks padding with −∞, the loss weights every CE by
/// targetWeights. No packing, no skipping: the oracle for the packed Float model.
/// Bidirectional (tensorflow/nmt's `bi`, first layer): a second cell of H/2 steps t = S−1 … 0,
/// keeping its state at padding (which, the padding being on the left, comes after the real
/// tokens), and layer 0's outputs and final state are [fwd; bwd]. Residual: layers 2… hand up
/// h + x (x before dropout).
struct ReferenceSeq2Seq {
    let configuration: Seq2SeqConfiguration
    let views: [String: ParameterView]

    init(configuration: Seq2SeqConfiguration, layout: ParameterLayout) {
        self.configuration = configuration
        views = Dictionary(uniqueKeysWithValues: layout.views.map { ($0.name, $0) })
    }

    /// A parameter as [rows][columns] from the flat values (the store's layout).
    private func parameter(_ name: String, _ p: [Double]) -> [[Double]] {
        let view = views[name]!
        return (0..<view.rows).map { r in Array(p[(view.offset + r * view.columns)..<(view.offset + (r + 1) * view.columns)]) }
    }

    private func matmul(_ x: [Double], _ w: [[Double]], rows: Range<Int>? = nil) -> [Double] {
        let rows = rows ?? 0..<w.count
        precondition(x.count == rows.count)
        var out = [Double](repeating: 0, count: w[0].count)
        for (i, r) in rows.enumerated() { for j in out.indices { out[j] += x[i] * w[r][j] } }
        return out
    }

    private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    private func cell(_ x: [Double], _ h: [Double], _ c: [Double], _ w: [[Double]], _ b: [[Double]]) -> ([Double], [Double]) {
        let H = h.count
        var z = matmul(x + h, w)
        for j in z.indices { z[j] += b[0][j] }
        var newC = [Double](repeating: 0, count: H), newH = newC
        for j in 0..<H {
            newC[j] = sigmoid(z[H + j] + 1) * c[j] + sigmoid(z[j]) * tanh(z[2 * H + j])
            newH[j] = sigmoid(z[3 * H + j]) * tanh(newC[j])
        }
        return (newH, newC)
    }

    /// Dropout masks on the inputs of layers 1…: (layer, batch row, step) → [H] (nil: 1).
    typealias Mask = (_ layer: Int, _ row: Int, _ step: Int) -> [Double]?

    /// Σ_{b,t} targetWeights·CE / B with the flat parameter values `p`.
    func loss(_ batch: Batch, parameters p: [Double], encoderMask: Mask? = nil, decoderMask: Mask? = nil) -> Double {
        let c = configuration, H = c.hidden, L = c.layers, B = batch.size, S = batch.sourceLength, T = batch.targetLength
        let sourceEmbedding = parameter("source.embedding", p), targetEmbedding = parameter("target.embedding", p)
        let zero = [Double](repeating: 0, count: H)
        // Encoder.
        var inputs = (0..<B).map { b in (0..<S).map { s in sourceEmbedding[Int(batch.source[b * S + s])] } }
        var states = [([[Double]], [[Double]])]()
        for l in 0..<L {
            let w = parameter("encoder.\(l).weight", p), bias = parameter("encoder.\(l).bias", p)
            let size = l == 0 && c.encoder == .bi ? H / 2 : H, half = [Double](repeating: 0, count: size)
            var h = [[Double]](repeating: half, count: B), cs = h
            var outputs = inputs
            for t in 0..<S {
                for b in 0..<B {
                    var x = inputs[b][t]
                    if l > 0, let mask = encoderMask?(l, b, t) { x = zip(x, mask).map { $0 * $1 } }
                    if batch.source[b * S + t] > 0 { (h[b], cs[b]) = cell(x, h[b], cs[b], w, bias) }
                    outputs[b][t] = c.residual && l >= 2 ? zip(h[b], inputs[b][t]).map { $0 + $1 } : h[b]
                }
            }
            if l == 0 && c.encoder == .bi {
                let w = parameter("encoder.0.reverse.weight", p), bias = parameter("encoder.0.reverse.bias", p)
                var hb = [[Double]](repeating: half, count: B), cb = hb
                for t in stride(from: S - 1, through: 0, by: -1) {
                    for b in 0..<B {
                        if batch.source[b * S + t] > 0 { (hb[b], cb[b]) = cell(inputs[b][t], hb[b], cb[b], w, bias) }
                        outputs[b][t] += hb[b]
                    }
                }
                for b in 0..<B { h[b] += hb[b]; cs[b] += cb[b] }
            }
            inputs = outputs
            states.append((h, cs))
        }
        let memory = inputs
        // Keys.
        var keys = memory
        if c.score == .general || c.score == .concat {
            let wa = parameter("attention.W_a", p)
            let rows = c.score == .general ? 0..<H : H..<(2 * H)
            keys = memory.map { $0.map { matmul($0, wa, rows: rows) } }
        }
        let wc = parameter("attention.W_c", p), outW = parameter("output.weight", p), outB = parameter("output.bias", p)
        let decoder = (0..<L).map { (parameter("decoder.\($0).weight", p), parameter("decoder.\($0).bias", p)) }
        let wa = c.score == .concat ? parameter("attention.W_a", p) : [], v = c.score == .concat ? parameter("attention.v_a", p)[0] : []
        var feed = [[Double]](repeating: zero, count: B)
        var total = 0.0
        for t in 0..<T {
            for b in 0..<B {
                var x = targetEmbedding[Int(batch.decoderInput[b * T + t])]
                if c.inputFeeding { x += feed[b] }
                for l in 0..<L {
                    let below = x
                    if l > 0, let mask = decoderMask?(l, b, t) { x = zip(x, mask).map { $0 * $1 } }
                    let (h, cs) = cell(x, states[l].0[b], states[l].1[b], decoder[l].0, decoder[l].1)
                    states[l].0[b] = h; states[l].1[b] = cs
                    x = c.residual && l >= 2 ? zip(h, below).map { $0 + $1 } : h
                }
                let h = x
                // Scores, masked softmax, context.
                var scores = [Double](repeating: -.infinity, count: S)
                let q = c.score == .concat ? matmul(h, wa, rows: 0..<H) : h
                for s in 0..<S where batch.source[b * S + s] > 0 {
                    switch c.score {
                    case .dot, .general: scores[s] = zip(h, keys[b][s]).reduce(0) { $0 + $1.0 * $1.1 }
                    case .concat:
                        scores[s] = (0..<H).reduce(0) { $0 + v[$1] * tanh(q[$1] + keys[b][s][$1]) }
                    }
                }
                var context = zero
                if let top = scores.max(), top > -.infinity {
                    let e = scores.map { exp($0 - top) }, sum = e.reduce(0, +)
                    for s in 0..<S { for j in 0..<H { context[j] += e[s] / sum * memory[b][s][j] } }
                }
                let attentional = matmul(context + h, wc).map { tanh($0) }
                feed[b] = attentional
                // Output projection and the weighted CE.
                let weight = Double(batch.targetWeights[b * T + t])
                guard weight != 0 else { continue }
                let logits = (0..<outW.count).map { v in outB[0][v] + zip(attentional, outW[v]).reduce(0) { $0 + $1.0 * $1.1 } }
                let top = logits.max()!
                let logSum = top + log(logits.reduce(0) { $0 + exp($1 - top) })
                total += weight * (logSum - logits[Int(batch.decoderTarget[b * T + t])])
            }
        }
        return total / Double(B)
    }
}
