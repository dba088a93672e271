import CBLAS

/// Matrix products through OpenBLAS: every product in the toolkit goes through `multiply`.
public enum GEMM {
    /// c = alpha · op(a) · op(b) + beta · c, where op transposes when asked.
    /// Use `beta: 1` to accumulate (weight gradients summed over a batch).
    /// - Complexity: 2·m·n·k floating-point operations.
    @inlinable
    public static func multiply(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
                                into c: Matrix, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition((transposeB ? b.columns : b.rows) == k, "gemm: inner dimensions \(k) and \(transposeB ? b.columns : b.rows) differ")
        precondition(c.rows == m && c.columns == n, "gemm: output is \(c.rows)×\(c.columns), expected \(m)×\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta != 1 { for i in 0..<m { let r = c.row(i); for j in 0..<n { r[j] *= beta } } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a.base, Int32(max(a.stride, 1)), b.base, Int32(max(b.stride, 1)),
                    beta, c.base, Int32(max(c.stride, 1)))
    }

    /// Threads OpenBLAS uses for one product (the toolkit sets it once, to the cores it runs on).
    public static var threads: Int {
        get { Int(nmt_blas_threads()) }
        set { nmt_blas_set_threads(Int32(newValue)) }
    }
}
