#if canImport(Glibc)
import Glibc
#endif
import IO

/// `training.svg`: train and dev perplexity (log scale) and dev BLEU against steps, two panels
/// with axes, ticks and a legend, redrawn after every evaluation.
public struct TrainingCurves: Sendable {
    /// Train perplexity over each logging interval.
    public var train: [(step: Int, perplexity: Double)] = []
    /// Dev perplexity and BLEU at each evaluation.
    public var dev: [(step: Int, perplexity: Double, bleu: Double)] = []

    public init() {}

    public func svg(title: String) -> String {
        var doc = SVGDocument(width: 760, height: 560)
        doc.text(title, x: 380, y: 24, size: 16, anchor: "middle", bold: true)
        let lastStep = max(1, (train.map(\.step) + dev.map(\.step)).max() ?? 1)
        let perplexities = (train.map(\.perplexity) + dev.map(\.perplexity)).filter(Self.plottable)
        let low = max(1, (perplexities.min() ?? 1) * 0.9), high = max(low * 2, (perplexities.max() ?? 10) * 1.1)
        let top = Panel(x: 70, y: 50, width: 640, height: 200, steps: lastStep)
        top.axes(&doc, label: "perplexity (log scale)")
        let logLow = log10(low), logHigh = log10(high)
        let py = { (p: Double) in top.y + top.height * (1 - (log10(p) - logLow) / (logHigh - logLow)) }
        for tick in Self.logTicks(low, high) {
            doc.line(x1: top.x, y1: py(tick), x2: top.x + top.width, y2: py(tick), stroke: "#ddd")
            doc.text(Self.label(tick), x: top.x - 6, y: py(tick) + 4, size: 11, anchor: "end")
        }
        doc.polyline(train.filter { Self.plottable($0.perplexity) }.map { (top.px($0.step), py($0.perplexity)) }, stroke: "#1f77b4")
        let devPoints = dev.filter { Self.plottable($0.perplexity) }.map { (top.px($0.step), py($0.perplexity)) }
        doc.polyline(devPoints, stroke: "#d62728")
        for point in devPoints { doc.circle(x: point.0, y: point.1, radius: 3, fill: "#d62728") }
        doc.line(x1: 500, y1: 62, x2: 525, y2: 62, stroke: "#1f77b4", width: 2)
        doc.text("train", x: 530, y: 66, size: 12)
        doc.line(x1: 590, y1: 62, x2: 615, y2: 62, stroke: "#d62728", width: 2)
        doc.text("dev", x: 620, y: 66, size: 12)

        let bottom = Panel(x: 70, y: 310, width: 640, height: 200, steps: lastStep)
        bottom.axes(&doc, label: "dev BLEU")
        let maxBLEU = max(1, (dev.map(\.bleu).max() ?? 1) * 1.15)
        let by = { (b: Double) in bottom.y + bottom.height * (1 - b / maxBLEU) }
        for tick in Self.linearTicks(maxBLEU) {
            doc.line(x1: bottom.x, y1: by(tick), x2: bottom.x + bottom.width, y2: by(tick), stroke: "#ddd")
            doc.text(Self.label(tick), x: bottom.x - 6, y: by(tick) + 4, size: 11, anchor: "end")
        }
        let bleuPoints = dev.map { (bottom.px($0.step), by($0.bleu)) }
        doc.polyline(bleuPoints, stroke: "#2ca02c")
        for (point, entry) in zip(bleuPoints, dev) {
            doc.circle(x: point.0, y: point.1, radius: 3, fill: "#2ca02c", title: "step \(entry.step): BLEU \(Self.label(entry.bleu))")
        }
        for panel in [top, bottom] {
            for tick in Self.linearTicks(Double(lastStep)) {
                doc.text(Self.label(tick), x: panel.px(Int(tick)), y: panel.y + panel.height + 16, size: 11, anchor: "middle")
            }
            doc.text("step", x: panel.x + panel.width / 2, y: panel.y + panel.height + 34, size: 12, anchor: "middle")
        }
        return doc.rendered
    }

    /// A perplexity the log-scale panel can show: 1.1 × one near Double's largest was infinite,
    /// and the ticks up to infinity never ended (a resumed run's curve holds what the log said).
    static func plottable(_ perplexity: Double) -> Bool {
        perplexity.isFinite && perplexity > 0 && perplexity < 1e300
    }

    struct Panel {
        let x: Double, y: Double, width: Double, height: Double, steps: Int
        func px(_ step: Int) -> Double { x + width * Double(step) / Double(steps) }
        func axes(_ doc: inout SVGDocument, label: String) {
            doc.rectangle(x: x, y: y, width: width, height: height, fill: "none", stroke: "#000")
            doc.text(label, x: x - 48, y: y + height / 2, size: 12, anchor: "middle", rotate: -90)
        }
    }

    /// About five round ticks in [0, high].
    static func linearTicks(_ high: Double) -> [Double] {
        guard high > 0 else { return [0] }
        let raw = high / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return stride(from: 0, through: high, by: step).map { $0 }
    }

    /// 1, 2, 5 × powers of ten between `low` and `high`.
    static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        var ticks = [Double]()
        var decade = pow(10, floor(log10(low)))
        while decade <= high {
            for m in [1.0, 2, 5] where decade * m >= low && decade * m <= high { ticks.append(decade * m) }
            decade *= 10
        }
        return ticks
    }

    static func label(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String((x * 10).rounded() / 10)
    }
}
