import IO

/// A chrF score; its name says β (`chrF2`).
public struct CHRFScore: MetricScore, Equatable {
    public let score: Double
    public let beta: Int

    public init(score: Double, beta: Int) {
        self.score = score
        self.beta = beta
    }

    public var name: String { "chrF\(beta)" }
    public var verbose: String { "" }
    public var statistics: [(String, JSON)] { [] }
}
