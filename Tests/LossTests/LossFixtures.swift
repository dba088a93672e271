import Foundation
import Tensor
import Testing
@testable import Loss

/// The cases of `Tests/Fixtures/loss/sampled_softmax.json`, written by
/// `Tests/Fixtures/make_loss_fixtures.py`: TF's sampled-softmax formula in float64 for fixed
/// candidates (checked against TF 2.21 itself with `--check-tf`).
struct SampledSoftmaxFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let rows: Int, hidden: Int, vocabulary: Int, numTries: Int
    let scale: Float
    let states: [Float], weight: [Float], bias: [Float], weights: [Float]
    let labels: [Int32], candidates: [Int32]
    let expectedCounts: [Double], trueExpectedCounts: [Double]
    let loss: Double, sliceSquaredNorm: Double, evalCrossEntropy: Double, evalWeight: Double
    let dStates: [Double], dWeight: [Double], dBias: [Double]

    var testDescription: String { name }

    static let all: [SampledSoftmaxFixture] = {
        let file = "\(#filePath)"
        let url = URL(fileURLWithPath: String(file[..<file.lastIndex(of: "/")!]) + "/../Fixtures/loss/sampled_softmax.json")
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (json["cases"] as! [[String: Any]]).map { c in
            func floats(_ key: String) -> [Float] { (c[key] as! [NSNumber]).map { $0.floatValue } }
            func doubles(_ key: String) -> [Double] { (c[key] as! [NSNumber]).map { $0.doubleValue } }
            func ints(_ key: String) -> [Int32] { (c[key] as! [NSNumber]).map { $0.int32Value } }
            func int(_ key: String) -> Int { (c[key] as! NSNumber).intValue }
            func double(_ key: String) -> Double { (c[key] as! NSNumber).doubleValue }
            return SampledSoftmaxFixture(
                name: c["name"] as! String, rows: int("rows"), hidden: int("hidden"), vocabulary: int("vocabulary"),
                numTries: int("numTries"), scale: Float(double("scale")),
                states: floats("states"), weight: floats("weight"), bias: floats("bias"), weights: floats("weights"),
                labels: ints("labels"), candidates: ints("candidates"),
                expectedCounts: doubles("expectedCounts"), trueExpectedCounts: doubles("trueExpectedCounts"),
                loss: double("loss"), sliceSquaredNorm: double("sliceSquaredNorm"),
                evalCrossEntropy: double("evalCrossEntropy"), evalWeight: double("evalWeight"),
                dStates: doubles("dStates"), dWeight: doubles("dWeight"), dBias: doubles("dBias"))
        }
    }()
}

/// A tiny output projection: a store holding output.weight [V, H] and output.bias [1, V] (after a
/// dummy tensor, so that the projection does not start at offset 0), and the sampled softmax on it.
struct Projection {
    let store: ParameterStore
    let loss: SampledSoftmax
    let workspace = Workspace(blockSize: 1 << 14)

    init(vocabulary: Int, hidden: Int, numSampled: Int, seed: UInt64 = 7) {
        var layout = ParameterLayout()
        _ = layout.add("before", rows: 3, columns: 3)
        let weight = layout.add("output.weight", rows: vocabulary, columns: hidden)
        let bias = layout.add("output.bias", rows: 1, columns: vocabulary, startsAtZero: true)
        store = ParameterStore(layout: layout)
        loss = SampledSoftmax(weight: weight, bias: bias, numSampled: numSampled,
                              sampler: LogUniformSampler(rangeMax: vocabulary, seed: seed))
    }

    var weight: Matrix { store.value(loss.weight) }
    var bias: Matrix { store.value(loss.bias) }
}

/// The largest |a − b| / (relative·|b| + absolute) over two sequences: ≤ 1 when every pair
/// agrees to `relative` (with an absolute floor for values near zero).
func worstDifference<A: Sequence, B: Sequence>(_ a: A, _ b: B, relative: Double = 1e-4, absolute: Double = 1e-6) -> Double
    where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    zip(a, b).reduce(0.0) { worst, pair in
        let (x, y) = (Double(pair.0), Double(pair.1))
        return max(worst, abs(x - y) / (relative * abs(y) + absolute))
    }
}
