import CBLAS
import Testing

/// The OpenBLAS shim links and computes what a naive triple loop in Double computes.
@Suite struct SgemmTests {
    @Test func sgemmWithTransposeAndAccumulateMatchesNaiveLoops() {
        let m = 5, n = 7, k = 3
        var seed: UInt32 = 12345
        func random() -> Float { seed = seed &* 1_103_515_245 &+ 12345; return Float(Int(seed >> 16) % 2001 - 1000) / 1000 }
        let a = (0..<(k * m)).map { _ in random() }          // stored as Aᵀ: [k, m]
        let b = (0..<(k * n)).map { _ in random() }          // [k, n]
        var c = (0..<(m * n)).map { _ in random() }          // [m, n], accumulated into (beta = 1)
        var expected = c.map(Double.init)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { expected[i * n + j] += 0.5 * Double(a[p * m + i]) * Double(b[p * n + j]) } } }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    0.5, a, Int32(m), b, Int32(n), 1.0, &c, Int32(n))
        let worst = zip(c, expected).map { abs(Double($0) - $1) }.max()!
        #expect(worst < 1e-5, "largest difference \(worst)")
    }
}
