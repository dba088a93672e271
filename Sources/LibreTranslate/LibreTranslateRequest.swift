import Foundation

/// A `POST /translate` as LibreTranslate's clients send it: fields from a JSON object, an
/// `application/x-www-form-urlencoded` body or the query string (later sources do not override
/// earlier ones: body first). `q` is a string or an array of strings.
public struct LibreTranslateRequest: Equatable, Sendable {
    public var texts: [String]
    /// `q` was an array: answer with arrays.
    public var isArray: Bool
    public var source: String
    public var target: String
    public var html: Bool
    public var alternatives: Int
    public var apiKey: String?

    /// - Throws: `ServeError.badRequest` naming what is wrong.
    public init(body: [UInt8], contentType: String?, query: [String: String]) throws {
        try self.init(fields: Self.fields(body: body, contentType: contentType, query: query))
    }

    /// The request's fields: a JSON object or a form in the body, then the query string's.
    public static func fields(body: [UInt8], contentType: String?, query: [String: String]) throws -> [String: Any] {
        var fields: [String: Any] = [:]
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !body.isEmpty {
            guard let text = String(validating: body, as: UTF8.self) else {
                throw ServeError.badRequest("Invalid request: the body is not UTF-8")
            }
            if type == "application/x-www-form-urlencoded" {
                for (key, value) in formFields(text) where fields[key] == nil { fields[key] = value }
            } else {
                let object: Any
                do {
                    object = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
                } catch {
                    throw ServeError.badRequest("Invalid request: the body is not JSON (\(reason(error)))")
                }
                guard let dictionary = object as? [String: Any] else {
                    throw ServeError.badRequest("Invalid request: the body must be a JSON object")
                }
                fields = dictionary
            }
        }
        for (key, value) in query where fields[key] == nil { fields[key] = value }
        return fields
    }

    public init(fields: [String: Any]) throws {
        switch fields["q"] {
        case let text as String:
            texts = [text]
            isArray = false
        case let array as [Any]:
            texts = try array.map {
                guard let text = $0 as? String else { throw ServeError.badRequest("Invalid request: q must hold strings") }
                return text
            }
            isArray = true
        case nil:
            throw ServeError.badRequest("Invalid request: missing q parameter")
        default:
            throw ServeError.badRequest("Invalid request: q must be a string or an array of strings")
        }
        source = try Self.string(fields, "source")
        target = try Self.string(fields, "target")
        let format = try Self.optionalString(fields, "format") ?? "text"
        guard format == "text" || format == "html" else {
            throw ServeError.badRequest("Invalid request: format must be text or html, not '\(format)'")
        }
        html = format == "html"
        apiKey = try Self.optionalString(fields, "api_key")
        switch fields["alternatives"] {
        case nil: alternatives = 0
        case let number as NSNumber where !(number is Bool) && number.doubleValue == number.doubleValue.rounded():
            alternatives = number.intValue
        case let text as String where Int(text) != nil: alternatives = Int(text)!
        default: throw ServeError.badRequest("Invalid request: alternatives must be a whole number")
        }
        guard (0...100).contains(alternatives) else {
            throw ServeError.badRequest("Invalid request: alternatives must be in 0...100, not \(alternatives)")
        }
    }

    public static func string(_ fields: [String: Any], _ key: String) throws -> String {
        guard let value = try optionalString(fields, key) else { throw ServeError.badRequest("Invalid request: missing \(key) parameter") }
        return value
    }

    public static func optionalString(_ fields: [String: Any], _ key: String) throws -> String? {
        guard let value = fields[key] else { return nil }
        guard let text = value as? String else { throw ServeError.badRequest("Invalid request: \(key) must be a string") }
        return text
    }

    /// `a=1&b=x+y%21` → [("a", "1"), ("b", "x y!")].
    public static func formFields(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
