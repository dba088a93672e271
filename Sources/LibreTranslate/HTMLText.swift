/// The parts of a text `format: html` translates: the text between tags; tags, and text that
/// is only white space, are kept as they are.
public enum HTMLText {
    public enum Part: Equatable, Sendable {
        case markup(String)
        case text(String)
    }

    public static func parts(_ html: String) -> [Part] {
        var parts = [Part]()
        var current = ""
        var inTag = false
        for character in html {
            if !inTag && character == "<" {
                if !current.isEmpty { parts.append(.text(current)) }
                current = "<"
                inTag = true
            } else if inTag && character == ">" {
                current.append(">")
                parts.append(.markup(current))
                current = ""
                inTag = false
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(inTag ? .markup(current) : .text(current)) }
        return parts
    }
}
