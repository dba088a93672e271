import Foundation
import LibreTranslate
import Hummingbird
import ModelFiles
import NIOCore
import Translation

/// `POST /v1/translate`, the native API:
///
///     {"text": ["line", …], "beam": K?, "n_best": N?, "length_penalty": α?, "attention": bool?, "api_key": "…"?}
///  →  {"translations": [{"translation": "…", "score": s,
///                        "n_best": [{"translation": "…", "score": s}, …],          (with n_best: N at most, best first)
///                        "attention": {"source_tokens": […], "target_tokens": […, "<eos>"],
///                                      "weights": [[…], …]}}, …]}                 (with attention: true)
///
/// One entry per line of `text`; omitted settings are the server's (`--beam`, the recipe's
/// length penalty). The ranges are `nmt translate`'s: beam and length_penalty the recipe keys',
/// n_best 1...beam. A line's translation is what `nmt translate` gives at the same settings.
struct NativeTranslateRequest: Equatable {
    var text: [String]
    var beam: Int
    var nBest: Int?
    var lengthPenalty: Double
    var attention: Bool
    var apiKey: String?

    static let fields: Set<String> = ["text", "beam", "n_best", "length_penalty", "attention", "api_key"]

    /// - Throws: `ServeError.badRequest` naming the field that is wrong.
    init(body: [UInt8], defaults: TranslationEngine.Settings) throws {
        guard String(validating: body, as: UTF8.self) != nil else {
            throw ServeError.badRequest("Invalid request: the body is not UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw ServeError.badRequest("Invalid request: the body is not JSON")
        }
        guard case .object(let fields) = value else {
            throw ServeError.badRequest("Invalid request: the body must be a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw ServeError.badRequest("Invalid request: unknown field \(unknown) (known: \(Self.fields.sorted().joined(separator: ", ")))")
        }
        guard case .array(let lines) = fields["text"] ?? .null else {
            throw ServeError.badRequest(fields["text"] == nil ? "Invalid request: missing text (an array of lines)"
                                                              : "Invalid request: text must be an array of strings")
        }
        text = try lines.enumerated().map { i, line in
            guard case .string(let string) = line else { throw ServeError.badRequest("Invalid request: text[\(i)] must be a string") }
            guard !string.contains(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) else {
                throw ServeError.badRequest("Invalid request: text[\(i)] holds a line break; give each line as its own element")
            }
            return string
        }
        beam = try Self.integer(fields, "beam", in: RecipeKey.integers("decode.beam")) ?? defaults.beam
        nBest = try Self.integer(fields, "n_best", in: 1...RecipeKey.integers("decode.beam").upperBound)
        if let nBest, nBest > beam {
            throw ServeError.badRequest("Invalid request: n_best \(nBest) is larger than the beam (\(beam)); a beam of K finds at most K translations")
        }
        let range = RecipeKey.numbers("decode.length_penalty")
        switch fields["length_penalty"] {
        case nil: lengthPenalty = defaults.lengthPenalty
        case .number(let number)? where range.contains(number): lengthPenalty = number
        default: throw ServeError.badRequest("Invalid request: length_penalty must be a number in \(range)")
        }
        switch fields["attention"] {
        case nil: attention = false
        case .bool(let flag)?: attention = flag
        default: throw ServeError.badRequest("Invalid request: attention must be true or false")
        }
        switch fields["api_key"] {
        case nil: apiKey = nil
        case .string(let key)?: apiKey = key
        default: throw ServeError.badRequest("Invalid request: api_key must be a string")
        }
    }

    var settings: TranslationEngine.Settings {
        TranslationEngine.Settings(beam: beam, lengthPenalty: lengthPenalty, nBest: (nBest ?? 1) > 1 ? beam : 1, attention: attention)
    }

    /// A whole number in `range`, or nil when absent.
    private static func integer(_ fields: [String: JSONValue], _ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = fields[key] else { return nil }
        guard case .number(let number) = value, number == number.rounded(),
              number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw ServeError.badRequest("Invalid request: \(key) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(number)
    }
}

/// Any JSON value, as `JSONDecoder` tells them apart (`true` is no number, `1` no boolean).
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

extension Server {
    /// `POST /v1/translate` (`NativeTranslateRequest`).
    func nativeTranslate(_ request: inout Request, _ context: ServeContext) async throws -> (Any, Int) {
        let parsed = try NativeTranslateRequest(body: try await body(of: &request), defaults: engine.defaults)
        try check(apiKey: parsed.apiKey)
        try check(lines: parsed.text.count)
        let outputs = try await engine.translate(parsed.text, settings: parsed.settings, client: client(apiKey: parsed.apiKey, context))
        let translations: [[String: Any]] = outputs.map { line in
            var entry: [String: Any] = ["translation": line[0].text, "score": line[0].score]
            if let nBest = parsed.nBest {
                entry["n_best"] = line.prefix(nBest).map { ["translation": $0.text, "score": $0.score] as [String: Any] }
            }
            if parsed.attention, let attention = line[0].attention {
                entry["attention"] = ["source_tokens": attention.sourceTokens, "target_tokens": attention.targetTokens,
                                      "weights": attention.weights.map { $0.map(Double.init) }] as [String: Any]
            }
            return entry
        }
        let decoded = parsed.text.filter { $0.contains { !$0.isWhitespace } }.count
        return (["translations": translations], decoded)
    }
}
