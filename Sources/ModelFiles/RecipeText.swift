import IO

/// What a recipe's bytes must be before the YAML parser sees them: at most 1 MB, UTF-8 without
/// NUL, nested at most `maximumDepth` levels. Yams' composer recurses once per level, so a file of
/// 100,000 `[` overflows the stack inside it; a recipe needs four levels (the root, a section,
/// `data.buckets`, a pair), so 16 refuses nothing real. Anchors and aliases (`&a`, `*a`) are
/// refused: a recipe has no use for them, and aliases of aliases multiply a small file into a
/// huge tree (the "billion laughs"). A UTF-8 byte order mark is dropped, as every other reader of
/// text in nmt drops it.
enum RecipeText {
    /// The shipped recipes are under 3 KB.
    static let maximumBytes = 1_000_000
    static let maximumDepth = 16

    /// The text of a recipe file, its BOM removed.
    /// - Throws: `RecipeError` (too large, NUL, too deep), `FileError.invalidUTF8`.
    static func check(_ given: [UInt8], path: String) throws -> String {
        guard given.count <= maximumBytes else {
            throw RecipeError(path: path, line: 1, message: "a recipe is at most \(maximumBytes / 1_000_000) MB; this one has \(given.count) bytes")
        }
        let bytes = given.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(given.dropFirst(3)) : given
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileError.invalidUTF8(path: path, line: RecipeParser.firstInvalidLine(bytes))
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw RecipeError(path: path, line: line(of: nul, in: bytes), message: "a recipe is text; this line holds a NUL byte")
        }
        switch firstProblem(bytes) {
        case .tooDeep(let depth, let offset)?:
            throw RecipeError(path: path, line: line(of: offset, in: bytes),
                              message: "nested \(depth) levels deep; a recipe may nest at most \(maximumDepth) (it needs 4)")
        case .anchorOrAlias(let offset)?:
            throw RecipeError(path: path, line: line(of: offset, in: bytes),
                              message: "YAML anchors and aliases (& and *) are not allowed in a recipe; write each value out (quote a value that starts with & or *)")
        case nil:
            break
        }
        return text
    }

    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    enum Problem: Equatable {
        /// Flow brackets (`[`, `{`) and block nesting (indentation, `- `) together deeper than
        /// `maximumDepth`.
        case tooDeep(depth: Int, offset: Int)
        /// `&` or `*` where a node starts.
        case anchorOrAlias(offset: Int)
    }

    /// The first of the problems above, by byte offset. Quoted scalars and comments are skipped;
    /// the depth may be off for odd YAML, but only by a level or two.
    static func firstProblem(_ bytes: [UInt8]) -> Problem? {
        var flow = 0
        var indents: [Int] = []            // open block levels, by indentation
        var quote: UInt8? = nil
        var previous: UInt8 = 0x0A         // the last byte that is not a space
        var i = 0
        var lineStart = true
        /// After a line start, `[`, `{`, `,`, `:`, `- ` or `? `: where YAML reads indicators.
        func nodeMayStart(at i: Int) -> Bool {
            i == 0 || [0x0A, 0x5B, 0x7B, 0x2C, 0x3A, 0x2D, 0x3F].contains(previous) && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09
                || [0x0A, 0x5B, 0x7B, 0x2C].contains(bytes[i - 1]))
        }
        while i < bytes.count {
            let c = bytes[i]
            if let q = quote {
                if c == 0x5C && q == 0x22 { i += 2; continue }         // \x in "…"
                if c == q { quote = nil; previous = c }
                i += 1
                continue
            }
            if lineStart && flow == 0 {
                // Block nesting: the indentation and the "- " markers that open the line.
                var column = 0
                while i + column < bytes.count && bytes[i + column] == 0x20 { column += 1 }
                var j = i + column, dashes = 0
                while j + 1 < bytes.count && bytes[j] == 0x2D && (bytes[j + 1] == 0x20 || bytes[j + 1] == 0x0A) {
                    dashes += 1
                    j += 2
                    while j < bytes.count && bytes[j] == 0x20 { j += 1 }
                }
                let blank = i + column >= bytes.count || [0x0A, 0x0D, 0x23].contains(bytes[i + column])
                if !blank {
                    while let last = indents.last, last >= column { indents.removeLast() }
                    indents.append(column)
                    if indents.count + dashes > maximumDepth { return .tooDeep(depth: indents.count + dashes, offset: i) }
                }
                lineStart = false
            }
            switch c {
            case 0x0A:
                lineStart = true
                previous = c
            case 0x23 where previous == 0x0A || i == 0 || bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09:    // # comment
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                continue
            case 0x22, 0x27:       // a quote opens a scalar only where a scalar may start
                if [0x0A, 0x5B, 0x7B, 0x2C, 0x3A, 0x2D, 0x3F].contains(previous) || bytes[i - 1] == 0x20 { quote = c }
                previous = c
            case 0x26 where nodeMayStart(at: i), 0x2A where nodeMayStart(at: i):        // & anchor, * alias
                return .anchorOrAlias(offset: i)
            case 0x5B, 0x7B:
                flow += 1
                if indents.count + flow > maximumDepth { return .tooDeep(depth: indents.count + flow, offset: i) }
                previous = c
            case 0x5D, 0x7D:
                flow = max(0, flow - 1)
                previous = c
            case 0x20, 0x09, 0x0D:
                break
            default:
                previous = c
            }
            i += 1
        }
        return nil
    }
}
