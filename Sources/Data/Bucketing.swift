import IO

/// The TF translate tutorial's buckets: each pair goes to the first bucket (S, T) it fits, with
/// room for the target's `<eos>` (source length ≤ S, target length < T). Pairs longer than the
/// largest bucket are dropped and counted.
public struct Buckets: Sendable {
    /// (source length, target length) of each bucket, increasing.
    public let shapes: [(source: Int, target: Int)]
    /// Pair indices of each bucket, in corpus order.
    public let members: [[Int]]
    /// Pairs too long for the largest bucket.
    public let dropped: Int

    public init(corpus: ParallelCorpus, shapes: [(source: Int, target: Int)]) {
        self.shapes = shapes
        var members = [[Int]](repeating: [], count: shapes.count)
        var dropped = 0
        for i in 0..<corpus.count {
            let s = corpus.sourceLength(i), t = corpus.targetLength(i)
            if let k = shapes.firstIndex(where: { s <= $0.source && t < $0.target }) { members[k].append(i) } else { dropped += 1 }
        }
        self.members = members
        self.dropped = dropped
    }

    public var pairCount: Int { members.reduce(0) { $0 + $1.count } }

    /// Pads pairs `indices` into one batch of bucket `k`'s shape: the source reversed (when asked)
    /// and padded on the left, `<go> y … ` and `y … <eos>` padded on the right, weights on `y … <eos>`.
    public func batch(_ indices: [Int], bucket k: Int, corpus: ParallelCorpus, reverseSource: Bool) -> Batch {
        let (S, T) = shapes[k]
        let B = indices.count
        var source = [Int32](repeating: Batch.pad, count: B * S)
        var input = [Int32](repeating: Batch.pad, count: B * T)
        var target = [Int32](repeating: Batch.pad, count: B * T)
        var weights = [Float](repeating: 0, count: B * T)
        for (b, i) in indices.enumerated() {
            let sr = corpus.sourceRange(i), tr = corpus.targetRange(i)
            let n = tr.count
            Batch.placeSource(corpus.sourceIDs[sr], reverse: reverseSource, into: &source, row: b, length: S)
            input[b * T] = Batch.go
            for j in 0..<n {
                let id = corpus.targetIDs[tr.lowerBound + j]
                input[b * T + j + 1] = id
                target[b * T + j] = id
                weights[b * T + j] = 1
            }
            target[b * T + n] = Batch.eos
            weights[b * T + n] = 1
        }
        return Batch(size: B, sourceLength: S, targetLength: T, source: source, decoderInput: input,
                     decoderTarget: target, targetWeights: weights)
    }
}

/// The order training reads batches in: each step draws a bucket with probability proportional
/// to its size, then the next `batchSize` pairs of a shuffled pass over that bucket (a new
/// shuffle when a pass ends). Everything follows from the seed, and the whole position is a few
/// integers (`State`), so a resumed run reads exactly the batches the interrupted one would have.
public struct BatchOrder: Sendable {
    /// The position in the order: what a checkpoint stores.
    public struct State: Sendable, Equatable {
        /// The generator that draws buckets.
        public var random: UInt64
        /// Per bucket: how many passes have begun, and the next position in the current pass.
        public var passes: [Int]
        public var cursors: [Int]
        /// Pairs handed out so far (epochs = pairsRead / pairs in all buckets).
        public var pairsRead: Int

        public init(random: UInt64, passes: [Int], cursors: [Int], pairsRead: Int) {
            self.random = random
            self.passes = passes
            self.cursors = cursors
            self.pairsRead = pairsRead
        }
    }

    public let seed: UInt64
    public let sizes: [Int]
    public let batchSize: Int
    public private(set) var state: State
    /// The current pass's permutation of each bucket (rebuilt from the seed, never stored).
    private var permutations: [[Int]]

    public init(bucketSizes: [Int], batchSize: Int, seed: UInt64) {
        precondition(bucketSizes.contains { $0 > 0 }, "no training pairs")
        self.seed = seed
        sizes = bucketSizes
        self.batchSize = batchSize
        state = State(random: seed, passes: bucketSizes.map { _ in 1 }, cursors: bucketSizes.map { _ in 0 }, pairsRead: 0)
        permutations = []
        permutations = bucketSizes.indices.map { permutation(bucket: $0, pass: 1) }
    }

    /// Continues from a saved position.
    public init(bucketSizes: [Int], batchSize: Int, seed: UInt64, state: State) {
        self.init(bucketSizes: bucketSizes, batchSize: batchSize, seed: seed)
        precondition(state.passes.count == bucketSizes.count, "order state for other buckets")
        self.state = state
        permutations = bucketSizes.indices.map { permutation(bucket: $0, pass: state.passes[$0]) }
    }

    /// Epochs completed, fractional.
    public var epoch: Double { Double(state.pairsRead) / Double(sizes.reduce(0, +)) }

    /// The next batch: a bucket and positions within it (indices into `Buckets.members[bucket]`).
    public mutating func next() -> (bucket: Int, positions: [Int]) {
        let total = sizes.reduce(0, +)
        var random = SplitMix64(seed: 0)
        random.state = state.random
        var draw = Int(random.next() % UInt64(total))
        state.random = random.state
        var k = 0
        while draw >= sizes[k] { draw -= sizes[k]; k += 1 }
        var positions = [Int]()
        positions.reserveCapacity(batchSize)
        while positions.count < batchSize {
            if state.cursors[k] == sizes[k] {
                state.passes[k] += 1
                state.cursors[k] = 0
                permutations[k] = permutation(bucket: k, pass: state.passes[k])
            }
            positions.append(permutations[k][state.cursors[k]])
            state.cursors[k] += 1
        }
        state.pairsRead += batchSize
        return (k, positions)
    }

    /// The order of bucket `k` in pass `pass`, seeded from (seed, k, pass) alone.
    private func permutation(bucket k: Int, pass: Int) -> [Int] {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(k) &* 1_000_003 &+ UInt64(pass))
        return random.permutation(of: sizes[k])
    }
}
