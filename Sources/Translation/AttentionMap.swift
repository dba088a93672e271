import IO

/// An attention map as an SVG heatmap (Bahdanau et al. 2015, fig. 3): one row per output token
/// (the final `<eos>` included), one column per source token, each cell as dark as the weight
/// a_t(s) the decoder gave that source token when it chose that output token. Any browser shows
/// it; hovering over a cell gives the two tokens and the weight.
public enum AttentionMap {
    /// - Parameters:
    ///   - source: the source tokens, in reading order (the model's tokens, BPE pieces included).
    ///   - target: the output tokens.
    ///   - weights: [target.count, source.count] row-major; each row sums to 1.
    /// - Returns: the SVG document.
    public static func svg(source: [String], target: [String], weights: [Float]) -> String {
        precondition(weights.count == source.count * target.count, "\(weights.count) weights for \(target.count)×\(source.count)")
        let cell = 22.0
        let source = source.map(label), target = target.map(label)
        let left = 16 + 7.5 * Double(target.map(\.count).max() ?? 0)
        let top = 24 + 6.5 * Double(source.map(\.count).max() ?? 0)
        let width = left + cell * Double(source.count) + 16
        let height = top + cell * Double(target.count) + 40
        var document = SVGDocument(width: max(width, 260), height: height)
        for (s, token) in source.enumerated() {
            let x = left + cell * (Double(s) + 0.5)
            document.text(token, x: x, y: top - 6, size: 12, anchor: "start", rotate: -60)
        }
        for (t, token) in target.enumerated() {
            let y = top + cell * Double(t)
            document.text(token, x: left - 6, y: y + cell * 0.7, size: 12, anchor: "end")
            for (s, sourceToken) in source.enumerated() {
                let weight = Double(min(max(weights[t * source.count + s], 0), 1))
                document.rectangle(x: left + cell * Double(s), y: y, width: cell, height: cell, fill: color(weight),
                                   stroke: "#e4e4e4", title: "\(token) ← \(sourceToken): \(rounded(weight))")
            }
        }
        document.text("rows: output tokens; columns: source tokens; darker: more attention", x: 8,
                      y: height - 14, size: 11, fill: "#555")
        return document.rendered
    }

    /// White for 0 to dark blue (#08306b) for 1.
    static func color(_ weight: Double) -> String {
        let channels = [(255.0, 8.0), (255.0, 48.0), (255.0, 107.0)].map { Int(($0.0 + ($0.1 - $0.0) * weight).rounded()) }
        let hex = Array("0123456789abcdef")
        return "#" + channels.map { String([hex[$0 / 16], hex[$0 % 16]]) }.joined()
    }

    /// Long tokens cut to 30 characters.
    static func label(_ token: String) -> String {
        token.count > 30 ? String(token.prefix(29)) + "…" : token
    }

    static func rounded(_ x: Double) -> String {
        String(Double((x * 1000).rounded()) / 1000)
    }
}
