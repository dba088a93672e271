import CDNNL

/// A weight matrix W [K, N] quantized for int8 products (oneDNN): per output column n,
/// symmetric s8 with scale_n = max_k |W[k, n]| / 127, and the oneDNN matmul for it made once
/// (any number of rows M at run time). Made at model load; read by any number of threads.
public final class Int8Matrix: @unchecked Sendable {
    let handle: OpaquePointer
    /// K: inputs.
    public let rows: Int
    /// N: outputs.
    public let columns: Int

    /// - Parameters:
    ///   - weights: W [K, N], or with `outputsAreRows` Wᵀ as stored [N, K] (the output
    ///     projection, whose rows are the words).
    /// Returns nil when oneDNN has no product for it (or no CPU engine).
    public init?(_ weights: Matrix, outputsAreRows: Bool = false) {
        let K = outputsAreRows ? weights.columns : weights.rows, N = outputsAreRows ? weights.rows : weights.columns
        let stride = max(weights.stride, 1)
        guard let handle = nmt_int8_weights_create(Int32(K), Int32(N), weights.base, outputsAreRows ? 1 : stride,
                                                   outputsAreRows ? stride : 1) else { return nil }
        self.handle = handle
        rows = K
        columns = N
    }

    deinit { nmt_int8_weights_destroy(handle) }

    /// scale_n of each output [N].
    public var scales: [Float] { Array(UnsafeBufferPointer(start: nmt_int8_weights_scales(handle), count: columns)) }

    /// The quantized W as q[n][k].
    public func quantized(output n: Int) -> [Int8] {
        Array(UnsafeBufferPointer(start: nmt_int8_weights_values(handle) + n * rows, count: rows))
    }
}

/// What int8 products need besides the weights, one per decoding thread: buffers for the
/// quantized rows and int32 sums (grown on demand), oneDNN's stream, and the threads and steps
/// of a product.
public final class Int8Scratch {
    let handle: OpaquePointer
    /// Steps of a quantized activation row (`ReducedPrecisionCPU.activationLevels`).
    public let levels: Int32

    /// Returns nil without a oneDNN CPU engine.
    public init?(levels: Int32 = ReducedPrecisionCPU.current.activationLevels) {
        precondition(levels >= 1 && levels <= 255, "\(levels) activation steps")
        guard let handle = nmt_int8_scratch_create() else { return nil }
        self.handle = handle
        self.levels = levels
    }

    deinit { nmt_int8_scratch_destroy(handle) }
}

/// An `Int8Matrix` with the scratch to multiply by it: what a layer takes in place of its fp32 W.
public struct Int8Product {
    public let weights: Int8Matrix
    public let scratch: Int8Scratch

    public init(_ weights: Int8Matrix, scratch: Int8Scratch) {
        self.weights = weights
        self.scratch = scratch
    }

    /// c = beta·c + a·W in int8: each row of a [M, K] quantized to u8 with its own scale and zero
    /// point (`scratch.levels` steps), W per output column (`Int8Matrix`), int32 sums, back to
    /// fp32 per row and column. beta is 0 (c is not read) or 1 (accumulate).
    /// - Complexity: 2·M·N·K integer operations, O(M·(K + N)) to quantize and dequantize.
    public func multiply(_ a: Matrix, into c: Matrix, beta: Float = 0) {
        let M = a.rows
        precondition(a.columns == weights.rows, "int8 gemm: inner dimensions \(a.columns) and \(weights.rows) differ")
        precondition(c.rows == M && c.columns == weights.columns, "int8 gemm: output is \(c.rows)×\(c.columns), expected \(M)×\(weights.columns)")
        precondition(beta == 0 || beta == 1, "int8 gemm: beta \(beta)")
        guard M > 0 else { return }
        let status = nmt_int8_multiply(weights.handle, scratch.handle, Int32(M), a.base, max(a.stride, 1), c.base,
                                       max(c.stride, 1), beta, scratch.levels, Int32(GEMM.threads))
        precondition(status == 0, "oneDNN int8 product failed (status \(status))")
    }
}
