import Yams

/// One key of a recipe, declared once in `RecipeKey.all`: its name, the recipe property it sets
/// (whose Swift type and initial value are the key's type and default), the values it takes and
/// what it does. Everything else comes from that declaration: `Recipe(yaml:path:)` reads and
/// checks each key with `read`, its errors quote the range, `Recipe.yaml` writes every key in
/// this order with `value`, and the README's table of keys is `markdownTable`.
///
/// Every number has an upper bound, chosen generous for a user and safe for the machine (the
/// doc of each key says why); what a recipe then asks of memory as a whole is checked against
/// the machine by `TrainingMemory` before anything is allocated.
public struct RecipeKey: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>)
        case number(NumberRange)
        case boolean
        case choice([String])
        /// A non-empty string (a path).
        case text
        /// A plain file name: letters, digits, `-`, `_`, `.`, not starting with a dot.
        case fileName
        /// [source, target] length pairs, each length in the range, at most `count` pairs.
        case buckets(lengths: ClosedRange<Int>, count: Int)
    }

    /// Dotted name, as errors write it (`model.hidden`).
    public let name: String
    public let kind: Kind
    /// What it does and why its range is what it is.
    public let doc: String
    /// Sets the key's property from its YAML node, checked against `kind`.
    /// - Throws: `RecipeError` naming the key and the node's line.
    let read: @Sendable (inout Recipe, Node, RecipeParser) throws -> Void
    /// The key's value in a recipe, as YAML.
    let value: @Sendable (Recipe) -> String

    /// `decode.beam` → `beam`.
    public var leaf: String { String(name.split(separator: ".").last!) }
    /// `decode.beam` → `decode`; `name` → nil.
    public var section: String? { name.contains(".") ? String(name.split(separator: ".").first!) : nil }

    // MARK: - Declaring a key: one per kind, each bound to a property of that kind's type

    static func integer(_ name: String, _ property: WritableKeyPath<Recipe, Int> & Sendable, _ range: ClosedRange<Int>,
                        doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .integer(range), doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.int(node, key: name, in: range) },
                  value: { "\($0[keyPath: property])" })
    }

    static func number(_ name: String, _ property: WritableKeyPath<Recipe, Double> & Sendable, _ range: NumberRange,
                       doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .number(range), doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.double(node, key: name, in: range) },
                  value: { yamlNumber($0[keyPath: property]) })
    }

    static func boolean(_ name: String, _ property: WritableKeyPath<Recipe, Bool> & Sendable, doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .boolean, doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.bool(node, key: name) },
                  value: { "\($0[keyPath: property])" })
    }

    /// A key whose values are the cases of `Value`, in their declared order.
    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ property: WritableKeyPath<Recipe, Value> & Sendable, doc: String
    ) -> RecipeKey where Value.RawValue == String {
        RecipeKey(name: name, kind: .choice(Value.allCases.map(\.rawValue)), doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.choice(node, key: name, of: Value.self) },
                  value: { $0[keyPath: property].rawValue })
    }

    /// A key whose values are strings from a fixed list (a language code).
    static func choice(_ name: String, _ property: WritableKeyPath<Recipe, String> & Sendable, among values: [String],
                       doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .choice(values), doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.choice(node, key: name, among: values) },
                  value: { $0[keyPath: property] })
    }

    static func text(_ name: String, _ property: WritableKeyPath<Recipe, String> & Sendable, doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .text, doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.string(node, key: name) },
                  value: { yamlString($0[keyPath: property]) })
    }

    /// A plain file name: written as it is, since it holds nothing YAML would read otherwise.
    static func fileName(_ name: String, _ property: WritableKeyPath<Recipe, String> & Sendable, doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .fileName, doc: doc,
                  read: { recipe, node, parser in recipe[keyPath: property] = try parser.fileName(node, key: name) },
                  value: { $0[keyPath: property] })
    }

    static func buckets(_ name: String, _ property: WritableKeyPath<Recipe, [[Int]]> & Sendable, lengths: ClosedRange<Int>,
                        count: Int, doc: String) -> RecipeKey {
        RecipeKey(name: name, kind: .buckets(lengths: lengths, count: count), doc: doc,
                  read: { recipe, node, parser in
                      recipe[keyPath: property] = try parser.buckets(node, key: name, lengths: lengths, count: count)
                  },
                  value: { "[" + $0[keyPath: property].map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ") + "]" })
    }

    // MARK: - Looking keys up

    /// The range of an integer key (a programmer error for any other).
    public static func integers(_ name: String) -> ClosedRange<Int> {
        guard case .integer(let range) = named(name).kind else { preconditionFailure("\(name) is not an integer key") }
        return range
    }

    /// The range of a number key.
    public static func numbers(_ name: String) -> NumberRange {
        guard case .number(let range) = named(name).kind else { preconditionFailure("\(name) is not a number key") }
        return range
    }

    public static func named(_ name: String) -> RecipeKey {
        guard let key = all.first(where: { $0.name == name }) else { preconditionFailure("no recipe key \(name)") }
        return key
    }

    /// The sections, in the order of `all`: data, model, train, decode.
    static var sections: [String] {
        all.compactMap(\.section).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// The keys of a section (`data`), or the top-level ones (nil).
    static func keys(in section: String?) -> [String] {
        all.filter { $0.section == section }.map(\.leaf)
    }

    // MARK: - Writing keys down

    /// The range as errors and the README write it.
    public var rangeText: String {
        switch kind {
        case .integer(let range): return "\(range.lowerBound)...\(range.upperBound)"
        case .number(let range): return range.description
        case .boolean: return "true, false"
        case .choice(let values): return values.joined(separator: ", ")
        case .text: return "a path"
        case .fileName: return "a plain file name"
        case .buckets(let lengths, let count): return "1 to \(count) pairs, lengths \(lengths.lowerBound)...\(lengths.upperBound)"
        }
    }

    /// The README's table: key, range, default, what it does.
    public static var markdownTable: String {
        let defaults = Recipe()
        var lines = ["| key | range | default | what it does |", "|---|---|---|---|"]
        for key in all {
            let value = key.name == "name" ? "the file's name" : key.value(defaults)
            lines.append("| `\(key.name)` | \(key.rangeText) | `\(value)` | \(key.doc) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
