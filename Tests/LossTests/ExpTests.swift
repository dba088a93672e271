import CVectorMath
import Foundation
import Testing

/// `nmt_exp` (the C kernels') and `nmt_exp8` (the loss loops') against Foundation's `exp` in
/// Double: the shared polynomial, and where each shape's clamp leaves it.
@Suite struct ExpTests {
    @Test func matchesExpWithinTheClamp() {
        var worst = 0.0
        var x: Float = -87.25
        while x <= 88.25 {
            let reference = Foundation.exp(Double(x))
            let scalar = Double(nmt_exp(x)), lanes = nmt_exp8(SIMD8(repeating: x))
            worst = max(worst, abs(scalar - reference) / reference)
            for lane in 0..<8 { worst = max(worst, abs(Double(lanes[lane]) - reference) / reference) }
            x += 0.0137
        }
        print("nmt_exp, nmt_exp8: largest relative error \(worst)")
        #expect(worst < 3e-7)
    }

    @Test func clampsAsEachCallerNeeds() {
        let low = nmt_exp(-87.3), lanes = nmt_exp8(SIMD8(-Float.infinity, -1000, -87.31, -87.3, 0, .nan, 88.3, .infinity))
        #expect(nmt_exp(-.infinity) == low && nmt_exp(-1000) == low && low > 0 && low < 1.3e-38)
        #expect(lanes[0] == 0 && lanes[1] == 0 && lanes[2] == 0)         // exactly 0: the accidental hit's −∞
        #expect(lanes[3] == low && lanes[4] == 1 && lanes[5].isNaN && nmt_exp(.nan).isNaN)
        #expect(lanes[6] == lanes[7] && nmt_exp(.infinity) == lanes[7] && lanes[7].isFinite)
    }
}
