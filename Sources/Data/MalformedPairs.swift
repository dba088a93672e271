import IO

/// Entries of a TSV or TMX corpus that give no pair, counted by reason for `report.json`: a
/// corpus as users have it has some, and each is accounted for rather than silently dropped.
public struct MalformedPairs: Sendable, Equatable {
    /// The reasons the format can give, in report order, each with its count (0 included, so
    /// the report lists every check that ran).
    public private(set) var counts: [(reason: String, count: Int)]

    public init(reasons: [String]) {
        counts = reasons.map { ($0, 0) }
    }

    public mutating func count(_ reason: String) {
        guard let i = counts.firstIndex(where: { $0.reason == reason }) else {
            preconditionFailure("unknown reason \(reason)")
        }
        counts[i].count += 1
    }

    public subscript(reason: String) -> Int { counts.first { $0.reason == reason }?.count ?? 0 }

    public var total: Int { counts.reduce(0) { $0 + $1.count } }

    public static func == (a: MalformedPairs, b: MalformedPairs) -> Bool {
        a.counts.elementsEqual(b.counts) { $0.reason == $1.reason && $0.count == $1.count }
    }
}

/// The pairs read from one TSV or TMX file, in file order, and what was skipped.
public struct PairFile: Sendable {
    /// "tsv" or "tmx".
    public var format: String
    public var source = LineBuffer()
    public var target = LineBuffer()
    public var malformed: MalformedPairs
}
