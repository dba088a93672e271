import Testing
@testable import Data

@Suite struct BucketingTests {
    /// Pairs by (source length, target length); ids are 4 + position so they are easy to read.
    static func corpus(_ lengths: [(Int, Int)]) -> ParallelCorpus {
        var corpus = ParallelCorpus()
        for (m, n) in lengths {
            corpus.append(source: (0..<m).map { Int32(4 + $0) }, target: (0..<n).map { Int32(10 + $0) })
        }
        return corpus
    }

    @Test func pairsGoToTheFirstBucketWithRoomForEOS() {
        let corpus = Self.corpus([(3, 4), (3, 5), (5, 2), (6, 2), (5, 9), (7, 1)])
        let buckets = Buckets(corpus: corpus, shapes: [(source: 3, target: 5), (source: 5, target: 10)])
        #expect(buckets.members == [[0], [1, 2, 4]])   // (3, 5) needs T > 5; (6, 2) and (7, 1) fit nowhere
        #expect(buckets.dropped == 2)
    }

    @Test func batchesAreReversedLeftPaddedAndWeighted() {
        let corpus = Self.corpus([(2, 1), (3, 2)])
        let buckets = Buckets(corpus: corpus, shapes: [(source: 3, target: 4)])
        let batch = buckets.batch([0, 1], bucket: 0, corpus: corpus, reverseSource: true)
        #expect(batch.source == [0, 5, 4, 6, 5, 4])
        #expect(batch.decoderInput == [1, 10, 0, 0, 1, 10, 11, 0])
        #expect(batch.decoderTarget == [10, 2, 0, 0, 10, 11, 2, 0])
        #expect(batch.targetWeights == [1, 1, 0, 0, 1, 1, 1, 0])
        #expect(batch.consistencyProblem == nil)
        let forward = buckets.batch([1], bucket: 0, corpus: corpus, reverseSource: false)
        #expect(forward.source == [4, 5, 6])
    }

    @Test func orderIsSeededCoversEveryPairOncePerPassAndResumesExactly() {
        let sizes = [5, 0, 11]
        var order = BatchOrder(bucketSizes: sizes, batchSize: 3, seed: 7)
        var again = BatchOrder(bucketSizes: sizes, batchSize: 3, seed: 7)
        var seen = [[Int]](repeating: [], count: 3)
        var saved: BatchOrder.State? = nil
        var afterSave: [(Int, [Int])] = []
        for step in 0..<40 {
            if step == 20 { saved = order.state }
            let (bucket, positions) = order.next()
            let (b2, p2) = again.next()
            #expect(bucket == b2 && positions == p2)
            #expect(bucket != 1)
            seen[bucket] += positions
            if step >= 20 { afterSave.append((bucket, positions)) }
        }
        // Within each pass a bucket's positions are a permutation: the first `size` draws of a bucket cover it.
        #expect(Set(seen[0].prefix(5)) == Set(0..<5))
        #expect(Set(seen[2].prefix(11)) == Set(0..<11))
        var resumed = BatchOrder(bucketSizes: sizes, batchSize: 3, seed: 7, state: saved!)
        for (bucket, positions) in afterSave {
            let next = resumed.next()
            #expect(next.bucket == bucket && next.positions == positions)
        }
        #expect(order.epoch == 120.0 / 16.0)
        #expect(BatchOrder(bucketSizes: sizes, batchSize: 3, seed: 8).state != order.state)
    }

    /// Buckets are drawn in proportion to their sizes: 20,000 draws, 3 binomial standard deviations.
    @Test func bucketsAreDrawnInProportionToTheirSize() {
        var order = BatchOrder(bucketSizes: [100, 300, 600], batchSize: 1, seed: 3)
        var counts = [0, 0, 0]
        let draws = 20_000
        for _ in 0..<draws { counts[order.next().bucket] += 1 }
        for (k, p) in [0.1, 0.3, 0.6].enumerated() {
            let expected = p * Double(draws), sd = (Double(draws) * p * (1 - p)).squareRoot()
            #expect(abs(Double(counts[k]) - expected) < 3 * sd, "bucket \(k): \(counts[k]) draws, expected \(expected)")
        }
    }
}
