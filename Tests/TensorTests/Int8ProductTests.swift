import IO
import Testing
import Tensor

/// Each int8 product (oneDNN, `Int8Product`) against the fp32 GEMM (OpenBLAS) within the error
/// bound of its quantization, on random shapes and on the decoder's real ones.
///
/// The bound, per output (m, n), with s_a the step of row m of a (u8, `levels` steps between its
/// min and max, both widened to hold 0) and s_n the step of output n of W (s8, max |W[·, n]| / 127):
/// every element is rounded to the nearest step, so |a − â| ≤ s_a/2 and |w − ŵ| ≤ s_n/2, and
///
///     |a·w − â·ŵ| ≤ Σ_k |a_k − â_k|·|w_k| + |â_k|·|w_k − ŵ_k| ≤ Σ_k (s_a/2)|w_k| + (|a_k| + s_a/2)(s_n/2).
///
/// The int32 sums are exact (no 16-bit saturation: `saturationIsAvoided`); what is left is fp32
/// rounding, of OpenBLAS's sum (at most K·u·Σ|a||w|, u = 2⁻²⁴) and of the dequantization (three
/// roundings of |â·ŵ| ≤ Σ(|a| + s_a/2)(|w| + s_n/2)): (K + 3)·2⁻²³·Σ_k (|a_k| + s_a/2)(|w_k| + s_n/2)
/// covers both. The bound is computed, not tuned: a test fails where one difference exceeds it.
@Suite struct Int8ProductTests {
    /// A matrix of U(lo, hi) from `random`.
    static func random(_ rows: Int, _ columns: Int, _ lo: Float, _ hi: Float, _ random: inout SplitMix64) -> (FloatBuffer, Matrix) {
        let buffer = FloatBuffer(count: max(rows * columns, 1)), m = Matrix(buffer.pointer, rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns { m[i, j] = lo + (hi - lo) * Float(random.next() >> 40) / Float(1 << 24) } }
        return (buffer, m)
    }

    /// The largest |int8 − fp32| over the bound (≤ 1 passes), for a [M, K] · W [K, N] (or W given
    /// as [N, K] with `outputsAreRows`), and the largest difference itself.
    static func worstRatio(_ a: Matrix, _ w: Matrix, outputsAreRows: Bool, levels: Int32) -> (ratio: Double, difference: Double) {
        let M = a.rows, K = a.columns, N = outputsAreRows ? w.rows : w.columns
        guard let weights = Int8Matrix(w, outputsAreRows: outputsAreRows), let scratch = Int8Scratch(levels: levels) else {
            Issue.record("oneDNN made no int8 product for \(K)×\(N)")
            return (.infinity, .infinity)
        }
        let exactBuffer = FloatBuffer(count: M * N), int8Buffer = FloatBuffer(count: M * N)
        let exact = Matrix(exactBuffer.pointer, rows: M, columns: N), int8 = Matrix(int8Buffer.pointer, rows: M, columns: N)
        GEMM.multiply(a, w, transposeB: outputsAreRows, into: exact)
        Int8Product(weights, scratch: scratch).multiply(a, into: int8)
        let scales = weights.scales
        func weight(_ k: Int, _ n: Int) -> Double { Double(outputsAreRows ? w[n, k] : w[k, n]) }
        var worst = 0.0, largest = 0.0
        for m in 0..<M {
            var lo: Float = 0, hi: Float = 0
            for k in 0..<K { lo = min(lo, a[m, k]); hi = max(hi, a[m, k]) }
            let sa = Double(hi > lo ? (hi - lo) / Float(levels) : 1)
            for n in 0..<N {
                let sw = Double(scales[n])
                var bound = 0.0, magnitude = 0.0
                for k in 0..<K {
                    let x = abs(Double(a[m, k])), y = abs(weight(k, n))
                    bound += sa / 2 * y + (x + sa / 2) * sw / 2
                    magnitude += (x + sa / 2) * (y + sw / 2)
                }
                bound += Double(K + 3) * 0x1p-23 * magnitude
                let difference = abs(Double(int8[m, n]) - Double(exact[m, n]))
                largest = max(largest, difference)
                worst = max(worst, bound > 0 ? difference / bound : (difference == 0 ? 0 : .infinity))
            }
        }
        withExtendedLifetime((exactBuffer, int8Buffer)) {}
        return (worst, largest)
    }

    static let levels = ReducedPrecisionCPU.current.activationLevels

    /// Random shapes (odd sizes, one row, K = 1) and values of either sign, W both ways round.
    @Test func randomShapesWithinTheBound() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        var random = SplitMix64(seed: 11)
        for (M, K, N) in [(1, 1, 1), (3, 7, 5), (17, 33, 65), (64, 100, 31), (5, 300, 257), (2, 1, 9)] {
            for outputsAreRows in [false, true] {
                let (ab, a) = Self.random(M, K, -2, 3, &random)
                let (wb, w) = outputsAreRows ? Self.random(N, K, -0.5, 0.5, &random) : Self.random(K, N, -0.5, 0.5, &random)
                let (ratio, largest) = Self.worstRatio(a, w, outputsAreRows: outputsAreRows, levels: Self.levels)
                print("int8 \(M)×\(K)·\(K)×\(N) rows=\(outputsAreRows): largest difference \(largest), \(ratio) of the bound")
                #expect(ratio <= 1, "\(M)×\(K)·\(K)×\(N): \(ratio) of the bound")
                withExtendedLifetime((ab, wb)) {}
            }
        }
    }

    /// The decoder's products at config S and M sizes (a few rows each): the output projection
    /// [H → Vt] (W as [Vt, H]), an LSTM layer's step product ([input-feed + H → 4H], and layer 1's
    /// [2H → 4H]) and W_c [2H → H]; activations like h̃ (in (−1, 1)) and weights like a trained
    /// model's (U(−0.1, 0.1)).
    @Test(arguments: [(256, 8000), (512, 32000)])
    func realShapesWithinTheBound(hidden H: Int, vocabulary V: Int) throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        var random = SplitMix64(seed: UInt64(H))
        for (K, N, outputsAreRows) in [(H, V, true), (2 * H, 4 * H, false), (2 * H, H, false)] {
            let (ab, a) = Self.random(2, K, -1, 1, &random)
            let (wb, w) = outputsAreRows ? Self.random(N, K, -0.1, 0.1, &random) : Self.random(K, N, -0.1, 0.1, &random)
            let (ratio, largest) = Self.worstRatio(a, w, outputsAreRows: outputsAreRows, levels: Self.levels)
            print("int8 2×\(K)·\(K)×\(N): largest difference \(largest), \(ratio) of the bound")
            #expect(ratio <= 1, "2×\(K)·\(K)×\(N): \(ratio) of the bound")
            withExtendedLifetime((ab, wb)) {}
        }
    }

    /// Every activation at the top of its row's range and every weight at ±127 steps: the
    /// largest sums there are. Two u8 · s8 products side by side reach 2 · 255 · 127 = 64,770
    /// with 8-bit activations, past the 16-bit sums of AVX2's vpmaddubsw; with the CPU's
    /// `activationLevels` the product stays exact: a·w = K · 1 · 1 here.
    @Test func saturationIsAvoided() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let M = 2, K = 256, N = 3
        let ab = FloatBuffer(count: M * K), wb = FloatBuffer(count: K * N), cb = FloatBuffer(count: M * N)
        let a = Matrix(ab.pointer, rows: M, columns: K), w = Matrix(wb.pointer, rows: K, columns: N), c = Matrix(cb.pointer, rows: M, columns: N)
        a.fill(1)
        w.fill(1)
        let weights = try #require(Int8Matrix(w)), scratch = try #require(Int8Scratch(levels: Self.levels))
        Int8Product(weights, scratch: scratch).multiply(a, into: c)
        for m in 0..<M { for n in 0..<N { #expect(c[m, n] == Float(K), "(\(m), \(n)): \(c[m, n]), expected \(K)") } }
        withExtendedLifetime((ab, wb, cb)) {}
    }

    /// beta 1 adds into c (the LSTM's z holds b + the embedding's part already), beta 0 ignores
    /// what c held (NaN here); strided views of a and c (a layer's columns) are read and written
    /// in place, the columns beside them untouched.
    @Test func accumulatesAndKeepsStrides() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        var random = SplitMix64(seed: 5)
        let (ab, wide) = Self.random(4, 20, -1, 1, &random)
        let (wb, w) = Self.random(12, 6, -0.3, 0.3, &random)
        let a = wide.columns(8..<20)
        let cb = FloatBuffer(count: 4 * 10), c = Matrix(cb.pointer, rows: 4, columns: 10)
        let weights = try #require(Int8Matrix(w)), scratch = try #require(Int8Scratch(levels: Self.levels))
        let product = Int8Product(weights, scratch: scratch)
        let target = c.columns(2..<8)
        c.fill(.nan)
        product.multiply(a, into: target)
        let once = target.array
        #expect(once.allSatisfy { $0.isFinite })
        product.multiply(a, into: target, beta: 1)
        #expect(zip(target.array, once).allSatisfy { $0 == 2 * $1 }, "beta 1 adds the product once more")
        for r in 0..<4 { for j in [0, 1, 8, 9] { #expect(c[r, j].isNaN, "column \(j) outside the view was written") } }
        withExtendedLifetime((ab, wb, cb)) {}
    }

    /// Quantized weights: within [−127, 127], each within half a step of w / scale, the largest
    /// of each output at ±127 exactly.
    @Test func weightsPerOutput() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        var random = SplitMix64(seed: 9)
        let (wb, w) = Self.random(9, 4, -2, 2, &random)
        let weights = try #require(Int8Matrix(w))
        for n in 0..<4 {
            let q = weights.quantized(output: n), scale = weights.scales[n]
            let largest = (0..<9).map { abs(w[$0, n]) }.max()!
            #expect(scale == largest / 127)
            #expect(q.map { abs(Int($0)) }.max() == 127)
            for k in 0..<9 { #expect(abs(Float(q[k]) - w[k, n] / scale) <= 0.5 + 1e-4) }
        }
        withExtendedLifetime(wb) {}
    }
}
