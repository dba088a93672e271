/// Decodes the non-empty sources `batchSize` at a time in the given order and puts each result
/// back at its source's index; an empty source gets `empty` without reaching the model. What
/// greedy and beam search share around their batch decoders. `memberSources` are an ensemble's
/// other models' ids of the same sentences (`[member][sentence]`), batched alike.
func decodeInBatches<Result>(_ sources: [[Int32]], memberSources: [[[Int32]]], batchSize: Int, empty: Result,
                             _ decode: (_ sources: [[Int32]], _ memberSources: [[[Int32]]]) -> [Result]) -> [Result] {
    precondition(memberSources.allSatisfy { $0.count == sources.count }, "members' sources are not the sentences given")
    var results = [Result](repeating: empty, count: sources.count)
    let nonEmpty = sources.indices.filter { !sources[$0].isEmpty }
    for start in stride(from: 0, to: nonEmpty.count, by: batchSize) {
        let members = nonEmpty[start..<min(start + batchSize, nonEmpty.count)]
        let found = decode(members.map { sources[$0] }, memberSources.map { member in members.map { member[$0] } })
        for (i, result) in zip(members, found) { results[i] = result }
    }
    return results
}
