/// A range of real numbers, either end open or closed, written as an interval: `(0, 10]`.
public struct NumberRange: Sendable, Equatable, CustomStringConvertible {
    public let lower: Double
    public let upper: Double
    public let includesLower: Bool
    public let includesUpper: Bool

    public init(_ lower: Double, _ upper: Double, includesLower: Bool = true, includesUpper: Bool = true) {
        self.lower = lower
        self.upper = upper
        self.includesLower = includesLower
        self.includesUpper = includesUpper
    }

    public func contains(_ x: Double) -> Bool {
        (includesLower ? x >= lower : x > lower) && (includesUpper ? x <= upper : x < upper)
    }

    public var description: String {
        "\(includesLower ? "[" : "(")\(yamlNumber(lower)), \(yamlNumber(upper))\(includesUpper ? "]" : ")")"
    }
}
