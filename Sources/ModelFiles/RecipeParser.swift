import IO
import Yams

/// Reads YAML nodes into typed values, turning every mismatch into a `RecipeError`.
struct RecipeParser {
    let path: String

    func error(_ node: Node, _ message: String) -> RecipeError {
        RecipeError(path: path, line: node.mark?.line ?? 1, message: message)
    }

    /// Yams' error as one line (its messages may hold the offending text over several lines).
    func yamlError(_ error: YamlError) -> RecipeError {
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return RecipeError(path: path, line: mark.line, message: "not valid YAML: \(oneLine(problem))")
        case .reader(let problem, let offset, let value, let yaml):
            // Yams' own description quotes the text over several lines; name the line instead.
            let line = 1 + yaml.utf8.prefix(max(0, offset ?? 0)).count { $0 == 0x0A }
            let hex = String(value, radix: 16, uppercase: true)
            let character = value < 0 ? "" : " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex))"
            return RecipeError(path: path, line: line, message: "not valid YAML: \(oneLine(problem))\(character)")
        default:
            return RecipeError(path: path, line: 1, message: "not valid YAML: \(oneLine("\(error)"))")
        }
    }

    /// A mapping whose keys are all in `allowed`; keys map to their value nodes.
    func mapping(_ node: Node, key: String?, allowed: [String]) throws -> [String: Node] {
        guard let mapping = node.mapping else {
            throw error(node, key.map { "\($0) must be a mapping of keys to values" } ?? "a recipe is a mapping with name, data, model, train, decode")
        }
        var result = [String: Node]()
        for (k, value) in mapping {
            guard let name = k.string else { throw error(k, "keys must be strings") }
            let full = key.map { "\($0).\(name)" } ?? name
            guard allowed.contains(name) else {
                throw error(k, "unknown key '\(full)' (\(key.map { "\($0) takes" } ?? "a recipe takes") \(allowed.joined(separator: ", ")))")
            }
            if result[name] != nil { throw error(k, "key '\(full)' appears twice") }
            result[name] = value
        }
        return result
    }

    func string(_ node: Node, key: String) throws -> String {
        guard let scalar = node.scalar, !scalar.string.isEmpty else { throw error(node, "\(key) must be a string") }
        guard scalar.string.utf8.count <= 4_096 else { throw error(node, "\(key) must be at most 4096 bytes long (PATH_MAX)") }
        return scalar.string
    }

    /// Letters, digits, `-`, `_` and `.`, not starting with a dot, at most 255 bytes (NAME_MAX).
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// A plain file name (the recipe's `name` becomes `data/<name>` and `models/<name>`).
    func fileName(_ node: Node, key: String) throws -> String {
        let value = try string(node, key: key)
        guard Self.isPlainFileName(value) else {
            throw error(node, "\(key) must be a plain file name (letters, digits, '-', '_', '.', not starting with a dot), not '\(value)'")
        }
        return value
    }

    /// One of `values`, as given.
    func choice(_ node: Node, key: String, among values: [String]) throws -> String {
        let value = try string(node, key: key)
        guard values.contains(value) else { throw notOneOf(values, node, key: key, value: value) }
        return value
    }

    /// The case of `Value` named by the node (the cases in their declared order in the error).
    func choice<Value: RawRepresentable & CaseIterable>(_ node: Node, key: String, of _: Value.Type) throws -> Value
    where Value.RawValue == String {
        let value = try string(node, key: key)
        guard let found = Value.allCases.first(where: { $0.rawValue == value }) else {
            throw notOneOf(Value.allCases.map(\.rawValue), node, key: key, value: value)
        }
        return found
    }

    private func notOneOf(_ values: [String], _ node: Node, key: String, value: String) -> RecipeError {
        error(node, "\(key) must be one of \(values.joined(separator: ", ")), not '\(value)'")
    }

    /// A whole number in `range`.
    func int(_ node: Node, key: String, in range: ClosedRange<Int>) throws -> Int {
        let text = "\(range.lowerBound)...\(range.upperBound)"
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error(node, "\(key) must be a whole number in \(text), not '\(Self.shown(node))'")
        }
        guard range.contains(value) else { throw error(node, "\(key) must be in \(text), not \(value)") }
        return value
    }

    /// A number in `range`.
    func double(_ node: Node, key: String, in range: NumberRange) throws -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), !value.isNaN else {
            throw error(node, "\(key) must be a number in \(range), not '\(Self.shown(node))'")
        }
        guard range.contains(value) else { throw error(node, "\(key) must be in \(range), not \(scalar.string)") }
        return value
    }

    func bool(_ node: Node, key: String) throws -> Bool {
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default: throw error(node, "\(key) must be true or false, not '\(Self.shown(node))'")
        }
    }

    /// A scalar as given (its first 40 characters), or what else the node is.
    static func shown(_ node: Node) -> String {
        guard let text = node.scalar?.string else { return "a list or mapping" }
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    /// Pairs [source, target] of lengths in `lengths`, each pair at least as large as the one
    /// before, at most `most` of them.
    func buckets(_ node: Node, key: String, lengths: ClosedRange<Int>, count most: Int) throws -> [[Int]] {
        guard let sequence = node.sequence, !sequence.isEmpty else {
            throw error(node, "\(key) must be a list of [source, target] length pairs")
        }
        guard sequence.count <= most else { throw error(node, "\(key) must have at most \(most) buckets, not \(sequence.count)") }
        var result = [[Int]]()
        for item in sequence {
            guard let pair = item.sequence, pair.count == 2 else {
                throw error(item, "\(key) entries must be [source, target] pairs")
            }
            let lengths = try pair.map { try int($0, key: key, in: lengths) }
            if let last = result.last, lengths[0] < last[0] || lengths[1] < last[1] {
                throw error(item, "\(key): bucket [\(lengths[0]), \(lengths[1])] is smaller than the one before it [\(last[0]), \(last[1])]")
            }
            result.append(lengths)
        }
        return result
    }

    static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        let lines = LineBuffer(contents: bytes)
        for i in 0..<lines.count where !lines.withLine(i, { UTF8Repair.isValid($0) }) { return i + 1 }
        return 1
    }
}
