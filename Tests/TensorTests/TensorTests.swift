import Testing
import IO
@testable import Tensor

@Suite struct GEMMTests {
    /// Every transpose combination, on strided views, with accumulation: against loops in Double.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func multiplyMatchesNaiveLoops(transposeA: Bool, transposeB: Bool) {
        let m = 7, n = 5, k = 9
        let buffer = FloatBuffer(count: 1000)
        var seed: UInt64 = 42
        for i in 0..<1000 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; buffer.pointer[i] = Float(Int(seed >> 40) % 2001 - 1000) / 1000 }
        // Views with a stride wider than their columns, as column slices of a bigger matrix are.
        let a = Matrix(buffer.pointer, rows: transposeA ? k : m, columns: transposeA ? m : k, stride: 11)
        let b = Matrix(buffer.pointer + 200, rows: transposeB ? n : k, columns: transposeB ? k : n, stride: 12)
        let c = Matrix(buffer.pointer + 400, rows: m, columns: n, stride: 8)
        var expected = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(transposeA ? a[p, i] : a[i, p]) * Double(transposeB ? b[j, p] : b[p, j]) }
                expected[i * n + j] = 0.5 * Double(c[i, j]) + 2 * sum
            }
        }
        GEMM.multiply(a, transposeA: transposeA, b, transposeB: transposeB, into: c, alpha: 2, beta: 0.5)
        var worst = 0.0
        for i in 0..<m { for j in 0..<n { worst = max(worst, abs(Double(c[i, j]) - expected[i * n + j])) } }
        #expect(worst < 1e-5, "largest difference \(worst)")
    }
}

@Suite struct StorageTests {
    @Test func workspaceReusesMemoryAfterResetAndNeverMovesViews() {
        let workspace = Workspace(blockSize: 64)
        let first = workspace.matrix(rows: 4, columns: 10)
        first.fill(7)
        let big = workspace.matrix(rows: 10, columns: 10)       // larger than a block: a block of its own
        let third = workspace.matrix(rows: 2, columns: 3)
        #expect(first.array.allSatisfy { $0 == 7 })             // not moved or overwritten
        #expect(big.array.allSatisfy { $0 == 0 } && third.count == 6)
        workspace.reset()                                        // one arena for the whole step from now on
        let again = workspace.matrix(rows: 4, columns: 10)
        again.fill(7)
        _ = workspace.matrix(rows: 10, columns: 10)
        _ = workspace.matrix(rows: 2, columns: 3)
        let capacity = workspace.capacity
        workspace.reset()
        let reused = workspace.matrix(rows: 4, columns: 10)
        #expect(reused.base == again.base)
        #expect(reused.array.allSatisfy { $0 == 0 })             // `matrix` zero-fills
        _ = workspace.matrix(rows: 10, columns: 10)
        _ = workspace.matrix(rows: 2, columns: 3)
        #expect(workspace.capacity == capacity)                  // the same step shape allocates nothing
    }

    /// Steps whose request sizes vary (packed batches of random lengths, several shapes) keep the
    /// workspace at most an eighth above the largest step, however many there are (issue 11: it
    /// kept a block for every oversized request at every position one had been made at).
    @Test func workspaceHoldsNoMoreThanItsLargestStep() {
        let workspace = Workspace(blockSize: 256)
        var random = SplitMix64(seed: 5)
        var largest = 0
        for _ in 0..<2_000 {
            workspace.reset()
            let scale = 1 + Int(random.next() % 4)              // the bucket
            var floats = 0
            for (k, columns) in [8, 64, 16, 300, 8, 64, 1].enumerated() {
                let rows = scale * (10 + Int(random.next() % 30)) + k
                let m = workspace.uninitialized(rows: rows, columns: columns)
                m.fill(1)                                        // every view is usable
                floats += (rows * columns + 15) & ~15
            }
            largest = max(largest, floats)
        }
        workspace.reset()
        #expect(workspace.capacity <= largest + largest / 8, "\(workspace.capacity) floats held for steps of at most \(largest)")
    }

    @Test func parameterLayoutAlignsTensorsAndInitializesUniformly() {
        var layout = ParameterLayout()
        let weight = layout.add("W", rows: 3, columns: 5)
        let bias = layout.add("b", rows: 1, columns: 5, startsAtZero: true)
        #expect(weight.offset == 0 && bias.offset == 16 && layout.count == 32)
        let store = ParameterStore(layout: layout)
        store.initializeUniform(scale: 0.1, seed: 1)
        let values = store.value(weight).array
        #expect(values.allSatisfy { abs($0) <= 0.1 } && Set(values).count == 15)
        #expect(store.value(bias).array == [0, 0, 0, 0, 0])
        store.gradient(bias).fill(1)
        store.zeroGradients()
        #expect(store.gradient(bias).array == [0, 0, 0, 0, 0])
        var other = ParameterLayout()
        _ = other.add("W", rows: 5, columns: 3)
        #expect(other.fingerprint != layout.fingerprint)
    }

    /// Fingerprints are stored in checkpoints: FNV-1a over "name:rows×columns;" of each tensor
    /// must keep giving what it gave (the value from an independent Python FNV-1a).
    @Test func layoutFingerprintIsStable() {
        var layout = ParameterLayout()
        _ = layout.add("a", rows: 3, columns: 4)
        _ = layout.add("b", rows: 1, columns: 16, startsAtZero: true)
        #expect(layout.fingerprint == 0xce78_5368_0424_960b)
    }
}
