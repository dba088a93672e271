import IO

/// A parallel corpus as a TMX 1.4 translation memory (what translation tools export and OPUS
/// distributes): each `<tu>` holds a `<tuv xml:lang="…">` per language (TMX 1.1's `lang` is
/// read too), each with one `<seg>`. The pair is picked by the languages' primary subtags,
/// case-insensitively: `en`, `EN`, `en-US` and `en_GB` are all English; a `<tuv>` of another
/// language, or of none, is no side of the pair (a `<tu>` may hold many languages). Read as a stream of XML
/// events (`XMLStream`), never as a document tree, so the file may be any size.
///
/// A segment's text leaves out the inline codes `<bpt>`, `<ept>`, `<ph>`, `<it>` and `<ut>`
/// (formatting of the original document, not text) but keeps what `<hi>` and other elements
/// hold; line breaks and tabs in it become spaces (a segment is one line of the output).
///
/// A `<tu>` that gives no pair is counted under the first reason that applies:
/// `missing_source`, `missing_target` (no `<tuv>` of that language), `duplicate_language`
/// (several of one of the two), `missing_seg` (one of the two has no `<seg>`), `several_segs`,
/// `empty_seg` (a segment empty or only spaces once the inline codes are left out). XML that is
/// not well-formed is an `XMLError` naming the file and line.
public enum TMXCorpus {
    public static let reasons = ["missing_source", "missing_target", "duplicate_language", "missing_seg", "several_segs",
                                 "empty_seg"]
    /// Inline elements whose content is the original document's code, not segment text.
    static let codeElements: Set<String> = ["bpt", "ept", "ph", "it", "ut"]

    /// One `<tuv>` of the `<tu>` being read.
    struct Variant {
        var language: String
        var segments = 0
        var text: [UInt8] = []
    }

    /// - Parameters: source, target: the languages of the pair (`en`, `fr`).
    /// - Throws: `FileError` when the file cannot be read; `XMLError` when it is not well-formed
    ///   XML or not TMX.
    public static func read(_ path: String, source: String, target: String) throws -> PairFile {
        var stream = try XMLStream(path: path)
        defer { stream.close() }
        var pairs = PairFile(format: "tmx", malformed: MalformedPairs(reasons: reasons))
        let wanted = (primarySubtag(source), primarySubtag(target))
        var inUnit = false, inSegment = false
        var variants: [Variant] = []
        var variant: Variant? = nil
        var excluded = 0           // depth inside inline code elements
        var depth = 0
        while let event = try stream.next() {
            switch event {
            case .start(let name, let attributes):
                if depth == 0 && name != "tmx" {
                    throw XMLError(path: path, line: stream.line, message: "the root element is <\(name)>, not <tmx>: not a TMX file")
                }
                depth += 1
                if inSegment {
                    if excluded > 0 || codeElements.contains(name) { excluded += 1 }
                } else if name == "tu" {
                    (inUnit, variants) = (true, [])
                } else if name == "tuv" && inUnit {
                    let language = attributes.first { $0.0 == "xml:lang" || $0.0 == "lang" }?.1 ?? ""
                    variant = Variant(language: primarySubtag(language))
                } else if name == "seg" && variant != nil {
                    inSegment = true
                    variant!.segments += 1
                }
            case .end(let name):
                depth -= 1
                if inSegment && name == "seg" && excluded == 0 {
                    inSegment = false
                } else if inSegment {
                    if excluded > 0 { excluded -= 1 }
                } else if name == "tuv", let finished = variant {
                    variants.append(finished)
                    variant = nil
                } else if name == "tu" && inUnit {
                    inUnit = false
                    if let reason = add(variants, wanted: wanted, to: &pairs) { pairs.malformed.count(reason) }
                }
            case .text(let text):
                if inSegment && excluded == 0 && variant!.segments == 1 { variant!.text += text }
            }
        }
        return pairs
    }

    /// Appends the pair of one `<tu>`, or returns why it gives none.
    static func add(_ variants: [Variant], wanted: (String, String), to pairs: inout PairFile) -> String? {
        let sources = variants.filter { $0.language == wanted.0 }, targets = variants.filter { $0.language == wanted.1 }
        if sources.isEmpty { return "missing_source" }
        if targets.isEmpty { return "missing_target" }
        if sources.count > 1 || targets.count > 1 { return "duplicate_language" }
        let pair = [sources[0], targets[0]]
        if pair.contains(where: { $0.segments == 0 }) { return "missing_seg" }
        if pair.contains(where: { $0.segments > 1 }) { return "several_segs" }
        let texts = pair.map { $0.text.map { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 ? 0x20 : $0 } }
        if texts.contains(where: { $0.allSatisfy { $0 == 0x20 } }) { return "empty_seg" }
        pairs.source.append(texts[0])
        pairs.target.append(texts[1])
        return nil
    }

    /// `en-US`, `en_GB`, `EN` → `en`.
    public static func primarySubtag(_ code: String) -> String {
        String(code.prefix { $0 != "-" && $0 != "_" }).lowercased()
    }
}
