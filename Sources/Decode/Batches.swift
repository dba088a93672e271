/// Decodes the non-empty sources `batchSize` at a time in the given order and puts each result
/// back at its source's index; an empty source gets `empty` without reaching the model. What
/// greedy and beam search share around their batch decoders.
func decodeInBatches<Result>(_ sources: [[Int32]], batchSize: Int, empty: Result,
                             _ decode: ([[Int32]]) -> [Result]) -> [Result] {
    var results = [Result](repeating: empty, count: sources.count)
    let nonEmpty = sources.indices.filter { !sources[$0].isEmpty }
    for start in stride(from: 0, to: nonEmpty.count, by: batchSize) {
        let members = nonEmpty[start..<min(start + batchSize, nonEmpty.count)]
        let found = decode(members.map { sources[$0] })
        for (i, result) in zip(members, found) { results[i] = result }
    }
    return results
}
