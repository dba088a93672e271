import Testing
import IO

@Suite struct PermutationTests {
    /// The orders an independent Python SplitMix64 + Fisher–Yates gives: corpus splits and
    /// bucket orders depend on them, so they must not change.
    @Test func givesTheReferenceOrders() {
        var one = SplitMix64(seed: 1), other = SplitMix64(seed: 42)
        #expect(one.permutation(of: 10) == [4, 2, 8, 1, 9, 3, 0, 6, 7, 5])
        #expect(other.permutation(of: 7) == [2, 4, 6, 0, 3, 1, 5])
    }

    @Test func smallCountsDrawNothing() {
        var random = SplitMix64(seed: 3)
        #expect(random.permutation(of: 0) == [] && random.permutation(of: 1) == [0])
        #expect(random.state == 3)
    }
}
