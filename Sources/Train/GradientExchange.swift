import Dispatch
import IO
import Loss
import Model
import MPI
import Tensor

/// The sum over the ranks of data-parallel training's gradients, overlapped with the backward
/// pass: each `Seq2Seq.Part` is handed over as soon as its gradients are complete and summed in
/// place (MPI_Allreduce) on a thread of its own while this one computes the next part, as
/// Horovod's background thread does. (Open MPI's nonblocking collectives progress only inside MPI
/// calls, which the computing thread does not make.) One thread at a time calls MPI: this queue's
/// during the backward pass, the caller's after `wait()`.
///
/// Given the step's `TouchedRows`, the embeddings (and with sampled softmax the output layer)
/// are summed over those rows only, packed into one buffer each; their other rows are zero on
/// every rank. Without them every tensor is summed whole.
final class GradientExchange {
    let communicator: Communicator
    private let parameters: ParameterStore
    private let ranges: [[Range<Int>]]
    /// Each part's ranges without the tensors summed by rows.
    private let denseRanges: [[Range<Int>]]
    /// The tensors summed by rows, and a packing buffer for each (grown when a step needs more).
    private let sourceEmbedding: ParameterView, targetEmbedding: ParameterView
    private let outputWeight: ParameterView, outputBias: ParameterView
    private let isSampled: Bool
    private var packing: [FloatBuffer]
    /// This step's rows (nil: sum whole tensors), and sampled softmax's loss for its candidates.
    var touched: TouchedRows?
    var sampledLoss: SampledSoftmax?
    private let queue = DispatchQueue(label: "nmt.allreduce")
    private let group = DispatchGroup()
    /// Sampled softmax's candidate slices dW′ [S, H] then db′ [S], copied out of the workspace:
    /// every rank sums a buffer of the same size even when it had no slices.
    private let slices: FloatBuffer
    let sampledShape: (count: Int, hidden: Int)
    private let counters = Counters()

    init(communicator: Communicator, parameters: ParameterStore, sampled: (count: Int, hidden: Int)?) {
        self.communicator = communicator
        self.parameters = parameters
        let layout = parameters.layout
        ranges = Seq2Seq.Part.allCases.map { Seq2Seq.ranges(of: $0, in: layout) }
        isSampled = sampled != nil
        let byRows: Set<String> = isSampled ? ["source.embedding", "target.embedding", "output.weight", "output.bias"]
                                            : ["source.embedding", "target.embedding"]
        denseRanges = Seq2Seq.Part.allCases.map { Seq2Seq.ranges(of: $0, in: layout, excluding: byRows) }
        func view(_ name: String) -> ParameterView { layout.views.first { $0.name == name }! }
        sourceEmbedding = view("source.embedding")
        targetEmbedding = view("target.embedding")
        outputWeight = view("output.weight")
        outputBias = view("output.bias")
        packing = (0..<4).map { _ in FloatBuffer(count: 0) }
        sampledShape = sampled ?? (0, 0)
        slices = FloatBuffer(count: sampledShape.count * (sampledShape.hidden + 1))
    }

    /// Starts summing `part`'s gradients.
    func sum(_ part: Seq2Seq.Part) {
        let index = Seq2Seq.Part.allCases.firstIndex(of: part)!
        guard let touched else {
            for range in ranges[index] { start(Region(base: parameters.gradients.pointer + range.lowerBound, count: range.count)) }
            return
        }
        for range in denseRanges[index] { start(Region(base: parameters.gradients.pointer + range.lowerBound, count: range.count)) }
        switch part {
        case .encoder: sumRows(of: sourceEmbedding, ids: touched.source, slot: 0)
        case .decoder: sumRows(of: targetEmbedding, ids: touched.target, slot: 1)
        case .output:
            guard isSampled, let sampledLoss else { return }
            let ids = TouchedRows.distinct(touched.labels + sampledLoss.candidateIDs)
            sumRows(of: outputWeight, ids: ids, slot: 2)
            sumRows(of: outputBias, ids: ids, slot: 3)
        }
    }

    /// Starts summing rows `ids` of a [V, C] tensor (entries, for a [1, V] bias): gathered into
    /// the slot's buffer, summed, scattered back, all on the exchange thread.
    private func sumRows(of view: ParameterView, ids: [Int32], slot: Int) {
        let width = view.rows == 1 ? 1 : view.columns
        if packing[slot].count < ids.count * width { packing[slot] = FloatBuffer(count: ids.count * width) }
        let buffer = packing[slot]
        queue.async(group: group) { [communicator, counters, parameters] in
            let start = Clock.seconds()
            withExtendedLifetime((parameters, buffer)) {
                let rows = Region(base: parameters.gradients.pointer + view.offset, count: view.count)
                let packed = buffer.pointer
                for (i, id) in ids.enumerated() { (packed + i * width).update(from: rows.base + Int(id) * width, count: width) }
                communicator.allreduceSum(UnsafeMutableBufferPointer(start: packed, count: ids.count * width))
                for (i, id) in ids.enumerated() { (rows.base + Int(id) * width).update(from: packed + i * width, count: width) }
            }
            let seconds = Clock.seconds() - start
            counters.lock.withLock { counters.bytes += ids.count * width * 4; counters.seconds += seconds }
        }
    }

    /// Copies sampled softmax's candidate slices (zeros when it had none) and starts summing them.
    func sumSlices(of loss: SampledSoftmax) {
        let S = sampledShape.count, H = sampledShape.hidden
        withExtendedLifetime(slices) {
            let buffer = slices.pointer
            if let (weight, bias) = loss.candidateSlices {
                precondition(weight.rows == S && weight.columns == H, "candidate slices [\(weight.rows), \(weight.columns)], expected [\(S), \(H)]")
                for j in 0..<S { (buffer + j * H).update(from: weight.row(j), count: H) }
                (buffer + S * H).update(from: bias.base, count: S)
            } else {
                buffer.update(repeating: 0, count: S * (H + 1))
            }
            start(Region(base: buffer, count: S * (H + 1)))
        }
    }

    /// The summed candidate slices, after `wait()`: Σ of their squares, as `SampledSoftmax.sliceSquaredNorm` counts them.
    var candidateSquaredNorm: Double {
        let S = sampledShape.count, H = sampledShape.hidden
        return withExtendedLifetime(slices) {
            SampledSoftmax.candidateSquaredNorm(weight: Matrix(slices.pointer, rows: S, columns: H),
                                                bias: Matrix(slices.pointer + S * H, rows: 1, columns: S))
        }
    }

    /// Blocks until every started sum is in place.
    func wait() {
        let start = Clock.seconds()
        group.wait()
        let waited = Clock.seconds() - start
        counters.lock.withLock { counters.waited += waited }
    }

    /// Since the start: bytes summed, seconds the exchange thread spent in MPI, and seconds the
    /// step waited for it (the exchange not hidden behind the backward pass).
    var totals: (bytes: Int, seconds: Double, waited: Double) {
        counters.lock.withLock { (counters.bytes, counters.seconds, counters.waited) }
    }

    private func start(_ region: Region) {
        queue.async(group: group) { [communicator, counters, parameters, slices] in
            let start = Clock.seconds()
            withExtendedLifetime((parameters, slices)) {
                communicator.allreduceSum(UnsafeMutableBufferPointer(start: region.base, count: region.count))
            }
            let seconds = Clock.seconds() - start
            counters.lock.withLock { counters.bytes += region.count * 4; counters.seconds += seconds }
        }
    }

    /// A stretch of a buffer that the exchange owner keeps alive.
    private struct Region: @unchecked Sendable {
        var base: UnsafeMutablePointer<Float>
        var count: Int
    }

    private final class Counters: @unchecked Sendable {
        let lock = Lock()
        var bytes = 0
        var seconds = 0.0
        var waited = 0.0
    }
}
