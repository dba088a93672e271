#if canImport(Glibc)
import Glibc
#endif
import IO

/// Where one parameter tensor lives in the model's flat buffers: an offset and a shape.
public struct ParameterView: Sendable, Hashable {
    public let name: String
    public let offset: Int
    public let rows: Int
    public let columns: Int
    /// Starts at zero instead of uniform noise (biases, as TensorFlow initializes them).
    public let startsAtZero: Bool
    public var count: Int { rows * columns }
}

/// The order and shapes of a model's parameters, built before the store is allocated.
public struct ParameterLayout: Sendable {
    public private(set) var views: [ParameterView] = []
    public private(set) var count = 0

    public init() {}

    /// Adds a `rows × columns` tensor; offsets are rounded up to 16 floats (64 bytes) so every
    /// tensor starts on a cache line.
    public mutating func add(_ name: String, rows: Int, columns: Int, startsAtZero: Bool = false) -> ParameterView {
        precondition(!views.contains { $0.name == name }, "parameter \(name) added twice")
        let view = ParameterView(name: name, offset: count, rows: rows, columns: columns, startsAtZero: startsAtZero)
        views.append(view)
        count += (rows * columns + 15) & ~15
        return view
    }

    /// A stable hash of the names and shapes, so that a checkpoint is never loaded into another model.
    public var fingerprint: UInt64 {
        var hash = FNV1a()
        for view in views { hash.add(Array("\(view.name):\(view.rows)x\(view.columns);".utf8)) }
        return hash.value
    }
}

/// All parameters of a model in one contiguous allocation, and their gradients in a second one
/// with the same layout (llm.c's `ParameterTensors`): the optimiser, gradient clipping, zeroing
/// and checkpoints each see one flat array, and a layer holds `ParameterView`s into it.
///
/// A store made with `init(decoding:values:)` has no gradients (an empty buffer): a model that
/// only decodes would otherwise hold 4P zeroed bytes it never reads.
public final class ParameterStore: @unchecked Sendable {
    public let layout: ParameterLayout
    public let values: FloatBuffer
    /// `layout.count` floats; none in a store made for decoding (`hasGradients`).
    public let gradients: FloatBuffer

    public init(layout: ParameterLayout) {
        self.layout = layout
        values = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
    }

    /// A store for a model that only decodes: `values` (`layout.count` floats, adopted, not
    /// copied) and no gradients.
    public init(decoding layout: ParameterLayout, values: FloatBuffer) {
        precondition(values.count == layout.count, "\(values.count) values for a layout of \(layout.count)")
        self.layout = layout
        self.values = values
        gradients = FloatBuffer(count: 0)
    }

    public var count: Int { layout.count }

    /// False for a store made for decoding.
    public var hasGradients: Bool { gradients.count == layout.count }

    @inlinable public func value(_ view: ParameterView) -> Matrix {
        Matrix(values.pointer + view.offset, rows: view.rows, columns: view.columns)
    }

    @inlinable public func gradient(_ view: ParameterView) -> Matrix {
        precondition(gradients.count == layout.count, "a store made for decoding has no gradients")
        return Matrix(gradients.pointer + view.offset, rows: view.rows, columns: view.columns)
    }

    /// Gives the memory of `view`'s `rows` back to the system (the whole pages inside them,
    /// `madvise(MADV_DONTNEED)`): they read as zeros afterwards. For weights nothing reads any
    /// more, in a store made for decoding: int8 decoding's fp32 copies (`Int8Decoder.replacedWeights`).
    public func release(_ view: ParameterView, rows: Range<Int>) {
        precondition(!hasGradients, "weights given back in a store that trains")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= view.rows, "rows \(rows) of \(view.name) [\(view.rows), \(view.columns)]")
        let page = Int(getpagesize())
        let start = Int(bitPattern: values.pointer + view.offset + rows.lowerBound * view.columns)
        let end = Int(bitPattern: values.pointer + view.offset + rows.upperBound * view.columns)
        let first = (start + page - 1) / page * page, last = end / page * page
        guard last > first else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED)
    }

    /// Backward passes add into the gradients (`+=`); one call resets them all before a step.
    public func zeroGradients() { gradients.zero() }

    /// Fills every parameter uniformly in [-scale, scale] from one seeded stream (the TF
    /// tutorial's `random_uniform_initializer(-0.1, 0.1)`); tensors marked `startsAtZero` and the
    /// padding between tensors stay zero.
    public func initializeUniform(scale: Float, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        values.zero()
        for view in layout.views where !view.startsAtZero {
            let p = values.pointer + view.offset
            for i in 0..<view.count {
                let unit = Float(random.next() >> 40) * (1.0 / Float(1 << 24))   // [0, 1)
                p[i] = (2 * unit - 1) * scale
            }
        }
    }
}
