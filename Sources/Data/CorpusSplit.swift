/// The three splits of a parallel corpus, in the order `nmt prepare` processes them.
public enum CorpusSplit: String, CaseIterable, Sendable {
    case train, dev, test
}
