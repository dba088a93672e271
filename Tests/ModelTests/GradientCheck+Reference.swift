import Data
import Tensor
@testable import Model
import ModelTestSupport

/// The whole model against `ReferenceSeq2Seq`, as `Seq2SeqTests` and `BidirectionalResidualTests`
/// check it: our loss (packed, Float) against the reference's (padded, Double), and every gradient
/// against the plain central difference of the reference's loss at h = 1e-5.
extension GradientCheck {
    /// The dropout masks that a training forward of a tiny model draws with `seed`, as the
    /// reference reads them (copies: they outlive the workspace).
    struct DropoutMasks {
        let seed: UInt64
        let encoder: ReferenceSeq2Seq.Mask
        let decoder: ReferenceSeq2Seq.Mask
        /// Whether layer 1 of both stacks dropped some unit (so that the check tests dropout).
        let dropSomething: Bool

        init(_ tiny: TinyModel, batch: Batch, seed: UInt64) {
            tiny.workspace.reset()
            let cache = tiny.model.forward(batch, parameters: tiny.store, workspace: tiny.workspace, training: true, dropoutSeed: seed)
            let H = tiny.model.configuration.hidden
            func lookup(_ masks: [Matrix?], _ packing: PackedSequences) -> ReferenceSeq2Seq.Mask {
                let copies = masks.map { $0?.array }
                return { l, b, t in
                    guard let mask = copies[l], let row = packing.row(batch: b, step: t) else { return nil }
                    return mask[(row * H)..<((row + 1) * H)].map(Double.init)
                }
            }
            self.seed = seed
            encoder = lookup(cache.encoder.masks, cache.encoderPacking)
            decoder = lookup(cache.decoderMasks, cache.decoderPacking)
            dropSomething = cache.encoder.masks.count > 1 && cache.decoderMasks.count > 1
                && cache.encoder.masks[1]?.array.contains(0) == true && cache.decoderMasks[1]?.array.contains(0) == true
        }
    }

    /// One training step of `tiny` on `batch` (with `masks`' seed, or evaluation without dropout)
    /// against the reference with the same masks.
    /// - Returns: |loss − reference| / |reference|, and the gradients' worst relative error
    ///   (floor 1e-4).
    /// - Complexity: two reference losses per parameter.
    static func compareWithReference(_ tiny: TinyModel, batch: Batch, masks: DropoutMasks? = nil) -> (lossError: Double, report: Report) {
        let ours = tiny.step(batch, training: masks != nil, seed: masks?.seed ?? 0)
        let analytic = tiny.store.gradients.matrix.array
        let reference = ReferenceSeq2Seq(configuration: tiny.model.configuration, layout: tiny.store.layout)
        var p = tiny.store.values.matrix.array.map(Double.init)
        func loss() -> Double { reference.loss(batch, parameters: p, encoderMask: masks?.encoder, decoderMask: masks?.decoder) }
        let expected = loss()
        var report = Report()
        let h = 1e-5
        for view in tiny.store.layout.views {
            for i in view.offset..<(view.offset + view.count) {
                let original = p[i]
                p[i] = original + h
                let plus = loss()
                p[i] = original - h
                let minus = loss()
                p[i] = original
                report.add(name: view.name, index: i - view.offset, analytic: Double(analytic[i]), numeric: (plus - minus) / (2 * h),
                           floor: 1e-4)
            }
        }
        return (abs(ours - expected) / abs(expected), report)
    }
}
