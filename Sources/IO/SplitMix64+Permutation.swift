extension SplitMix64 {
    /// A seeded random order of 0..<count: Fisher–Yates (Knuth's Algorithm P), swapping i with
    /// `next() % (i + 1)` for i from count − 1 down to 1. The modulo's bias (below 2⁻³² for any
    /// count a corpus has) is kept: bucket orders and corpus splits must stay what a seed gave.
    /// - Complexity: O(count).
    public mutating func permutation(of count: Int) -> [Int] {
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(next() % UInt64(i + 1))) }
        return order
    }
}
