/// A small SVG writer for the plots nmt draws (training curves, attention maps): files a browser
/// opens with no other software.
public struct SVGDocument {
    public let width: Double
    public let height: Double
    private var body = ""

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, fill: String,
                                   stroke: String? = nil, title: String? = nil) {
        body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\"" }
        if let title { body += "><title>\(SVGDocument.escape(title))</title></rect>\n" } else { body += "/>\n" }
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#000", width: Double = 1, dash: String? = nil) {
        body += "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
        body += (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>\n"
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        body += "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"/>\n"
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String, title: String? = nil) {
        body += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(radius))\" fill=\"\(fill)\""
        if let title { body += "><title>\(SVGDocument.escape(title))</title></circle>\n" } else { body += "/>\n" }
    }

    /// Text; `anchor` is start, middle or end; `rotate` turns it about its anchor point (degrees).
    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
                              rotate: Double? = nil, fill: String = "#000", bold: Bool = false) {
        body += "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if bold { body += " font-weight=\"bold\"" }
        if let rotate { body += " transform=\"rotate(\(f(rotate)) \(f(x)) \(f(y)))\"" }
        body += ">\(SVGDocument.escape(string))</text>\n"
    }

    /// The whole document.
    public var rendered: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n" + body + "</svg>\n"
    }

    /// Escapes text for XML content and attributes.
    public static func escape(_ string: String) -> String {
        var out = ""
        for c in string.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case _ where c.value < 0x20 && c != "\t": out += "\u{FFFD}"   // not allowed in XML 1.0
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Two decimals at most, no trailing zeros ("12", "3.5").
    private func f(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
