/// A sacrebleu reproducibility signature: `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0`.
///
/// Fields keep sacrebleu's order (the shared `nrefs` first, the metric's own next, `version` last)
/// so that a line differs from sacrebleu's only in the version field, which names this toolkit.
public struct Signature: Sendable, CustomStringConvertible {
    /// The toolkit's version, the one place it is written; signatures say `version:nmt-0.1.0`.
    public static let toolkitVersion = "0.1.0"

    /// `(key, value)` pairs in printing order, `version` last.
    public let fields: [(key: String, value: String)]

    /// - Parameters: references, the number of reference streams; metricFields, the metric's own
    ///   pairs in sacrebleu's order.
    public init(references: Int, metricFields: [(key: String, value: String)]) {
        fields = [("nrefs", String(references))] + metricFields + [("version", "nmt-" + Signature.toolkitVersion)]
    }

    public var description: String {
        fields.map { "\($0.key):\($0.value)" }.joined(separator: "|")
    }
}
