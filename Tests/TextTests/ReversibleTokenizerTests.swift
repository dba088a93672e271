import Testing
import IO
@testable import Text

/// `ReversibleTokenizer` and `ReversibleDetokenizer`: exact round trips, Moses' boundaries, the format.
@Suite struct ReversibleTokenizerTests {
    let english = try! ReversibleTokenizer(language: "en")
    let french = try! ReversibleTokenizer(language: "fr")
    let detokenizer = ReversibleDetokenizer()

    /// Hand-made lines with every kind of space, apostrophe, quote, dash, URL, path, number, emoji
    /// and script, and the marks themselves.
    static let awkwardLines: [String] = [
        // Spaces: several, leading, trailing, tabs, NBSP, narrow NBSP, thin, ideographic, Python-only
        "", " ", "   ", "\t", "\u{A0}", " \u{A0} ", "a  b", " a", "a ", "  a  b  ", "\ta\tb\t", "a \t b",
        "a\u{A0}b", "Prix\u{A0}: 5\u{202F}€ ;\u{2009}taux\u{3000}: 20\u{A0}%", "«\u{A0}Bonjour\u{A0}!\u{A0}»",
        "a\u{2007}b\u{200A}c\u{205F}d\u{1680}e\u{2000}f", "a\u{85}b\u{2028}c\u{2029}d", "a\r b\rc",
        "a\u{0B}b\u{0C}c\u{1C}d\u{1D}e\u{1E}f\u{1F}g", "x .\u{A0}", ". .", "end .", "(\u{A0})",
        // Control characters Moses deletes, in words, between them, alone
        "a\u{01}b", "a \u{01} b", "\u{01}", "\u{01} \u{02}", "\u{1B}[0m colour", "qu\u{19}il", "x\u{00}y",
        "(\u{01}x", "a\u{01} b", "a \u{01}b", ";;;\u{1B}\u{1B}\u{1B}",
        // Apostrophes
        "l'image d'un homme qu'il a vu, jusqu'à aujourd'hui", "l’image d’un homme qu’il a vu",
        "It's John's book, isn't it? The '90s, 1990's and rock'n'roll.", "the Jones' house", "x''''''''a,a,a,a,a,9",
        "‘quoted’ and ʼokina and ''double''", "'", "''", "l'", "'s",
        // Quotes
        "\"Hello\" she said, 'hi' and ``bye''.", "« Bonjour » et «\u{A0}salut\u{A0}»", "„a“ b ” \"c\"",
        "‹a› «b» 「日本」 『x』", "\"\"\"", "He said \"no.\"", "Trailing period inside quote.'", "x.'", "a.' ",
        // Dashes
        "a - b", "a-b", "a – b", "a—b", "a ‐ b", "−5 and -5", "--help", "---", "a --- b", "well-known—really",
        // URLs, paths, e-mail
        "see https://gtk.org.", "http://example.com/a?b=c&d=e#f;g", "/usr/share/doc/nmt/README.md",
        "C:\\Program Files\\nmt", "~/.config/nmt.yaml", "user@example.com", "git+ssh://git@github.com:org/repo.git",
        "foo@@ bar @@", "<tag attr=\"v\">&amp;</tag>", "[a](b) {c} | d",
        // Numbers
        "Version 2.0 costs 1,5 or 5,300.50 (a,b,,c) 3,", "10,-", "2.0.1-rc1", "1/2 ½ 3² ⅓ Ⅻ", "€5 $3! 50% 5 %",
        "No. 5 is fine. It is No. Art. 12", "M. Dupont, etc. Voir p. 5 et art. 12. Fin.", "1.", "3.14.",
        // Periods
        "Wait... really.... ok.. a..b ...", "...", "a...", ". . .", "U.S.A. e.g. this.", "Mr. Smith met Dr. Who.",
        // Emoji and symbols
        "😀😀", "👍🏽 ok", "👨‍👩‍👧 family", "🇫🇷🇬🇧", "❤️ love", "a😀b", "𝐀𝐁𝐂", "™ © ® ° §",
        // Scripts
        "日本語のテキスト", "한국어 텍스트", "Привет, мир!", "مرحبا بالعالم", "हिन्दी में", "ελληνικά", "עברית", "ไทย",
        "mixed: English, français, 日本語, and ру́сский.",
        // Combining marks (normalized to NFC first)
        "e\u{301}te\u{301}", "a\u{301}\u{302}", "\u{301}alone", "q\u{307}\u{323}", "Å Å",
        // The marks themselves, and what looks like an escape
        "￭", "a￭b", "％", "％00A0", "a ￭ b ％", "％FFED ￭％0020", "joiner￭ and escape％0041", "￭￭ ％％",
        // sacremoses' internal marker spelled in the text
        "xDOTDOTMULTIy DOTMULTI ...", "..DOTMULTI", "DOTMULTI.", "DOTDOTMULTI.'", "DODOTMULTI", "DOT..",
        // Invalid-looking but valid: private use, noncharacters, replacement character
        "\u{E000}\u{FFFD}\u{FFFF}", "\u{10FFFF}",
    ]

    /// The tokens Moses gives `line`.
    func mosesTokens(_ tokenizer: ReversibleTokenizer, _ line: String) -> [String] {
        Self.split(tokenizer.moses.tokenize(line))
    }

    /// Tokens separated by U+0020 (Swift's `split` on a String would keep " ́" together as one Character).
    static func split(_ line: String) -> [String] {
        line.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: ["en", "fr"])
    func awkwardLinesComeBackExactly(language: String) throws {
        let tokenizer = try ReversibleTokenizer(language: language)
        for raw in Self.awkwardLines {
            let line = Normalizer.nfc(raw)
            let tokens = tokenizer.tokenize(line)
            #expect(detokenizer.detokenize(tokens) == line, "\(raw.debugDescription) → \(tokens.debugDescription)")
            #expect(!tokens.hasPrefix(" ") && !tokens.hasSuffix(" ") && !tokens.contains("  "), "\(tokens.debugDescription)")
            if !line.contains("MULTI") {
                #expect(ReversibleFormat.mosesTokens(tokens) == mosesTokens(tokenizer, line),
                        "\(raw.debugDescription) → \(tokens.debugDescription)")
            }
        }
    }

    @Test func tokensCarryJoinersOnThePunctuationSide() {
        #expect(french.tokenize("l’image d'un homme") == "l ￭’￭ image d'￭ un homme")
        #expect(french.tokenize("l’image (API).") == "l ￭’￭ image (￭ API ￭) ￭.")
        #expect(english.tokenize("It's (API) 3.0, see https://gtk.org.")
                == "It ￭'s (￭ API ￭) 3.0 ￭, see https ￭: ￭/ ￭/￭ gtk.org.")
        #expect(english.tokenize("“Quoted” — and-dashed") == "“￭ Quoted ￭” — and-dashed")
        #expect(english.tokenize("日本語 😀😀") == "日 ￭本 ￭語 😀 ￭😀")
        #expect(french.tokenize("« Bonjour » !") == "« Bonjour » !")
    }

    @Test func otherWhitespaceAndControlsBecomeEscapes() {
        #expect(french.tokenize("Prix\u{A0}: 5\u{202F}€") == "Prix ￭％00A0: 5 ￭％202F€")
        #expect(french.tokenize("«\u{A0}Bonjour\u{A0}»") == "«％00A0￭ Bonjour ￭％00A0»")
        #expect(english.tokenize("  a  b\t") == "％0020％0020a ￭％0020％0020b％0009")
        #expect(english.tokenize("a\u{1}b (\u{1}c") == "a％0001b (％0001￭ c")
        #expect(english.tokenize("   ") == "％0020％0020％0020")
        #expect(english.tokenize("") == "")
        #expect(english.tokenize("a ￭ b ％") == "a ％FFED b ％FF05")
    }

    @Test func aSpelledMultidotMarkerKeepsItsLettersAndMosesBoundaries() {
        // Moses gives "x..y . ...": the same three tokens, with periods for the letters.
        #expect(english.tokenize("xDOTDOTMULTIy DOTMULTI ...") == "xDOTDOTMULTIy DOTMULTI ...")
        #expect(english.tokenize("..DOTMULTI.") == "..￭ DOTMULTI ￭.")
        #expect(english.moses.tokenize("..DOTMULTI.") == ".. . .")
    }

    @Test func mosesLinesUpWithItsInputOnAwkwardLines() throws {
        // The whitespace-only fallback would still round-trip; this checks it is never needed.
        for tokenizer in [english, french] {
            for raw in Self.awkwardLines + Self.randomLines(count: 3000) {
                let line = Array(Normalizer.nfc(raw).utf8)
                let moses = Array(tokenizer.moses.tokenize(String(decoding: line, as: UTF8.self)).utf8)
                var out = [UInt8](repeating: 0, count: 11 * line.count + 8)
                let written = line.withUnsafeBufferPointer { input in
                    moses.withUnsafeBufferPointer { moses in
                        out.withUnsafeMutableBufferPointer { out in
                            ReversibleTokenizer.write(input.baseAddress ?? UnsafePointer(out.baseAddress!), count: input.count,
                                                      boundaries: moses, table: CharacterClasses.shared.basicPlane,
                                                      into: out.baseAddress!)
                        }
                    }
                }
                #expect(written != nil, "\(raw.debugDescription)")
            }
        }
    }

    /// Lines drawn from the pieces Moses' rules react to, with a fixed seed.
    static func randomLines(count: Int) -> [String] {
        let pieces = ["a", "b", "é", "Z", "1", "2", ",", ".", "..", "'", "’", "\"", "«", "»", "-", "—", "(", ")", "/",
                      ":", "?", "!", "%", "$", "@", " ", "  ", "\u{A0}", "\u{202F}", "\t", "\u{1}", "\u{1F}", "DOT",
                      "MULTI", "TM", "s", "n't", "l'", "No", "Mr", "日", "😀", "\u{301}", "￭", "％", "0020"]
        var random = SplitMix64(seed: 7)
        return (0..<count).map { _ in
            let length = Int(random.next() % 12)
            return (0..<length).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }
    }

    @Test(arguments: ["en", "fr"])
    func randomLinesComeBackExactlyWithMosesBoundaries(language: String) throws {
        let tokenizer = try ReversibleTokenizer(language: language)
        for raw in Self.randomLines(count: 5000) {
            let line = Normalizer.nfc(raw)
            let tokens = tokenizer.tokenize(line)
            #expect(detokenizer.detokenize(tokens) == line, "\(raw.debugDescription) → \(tokens.debugDescription)")
            if !line.contains("MULTI") {
                #expect(ReversibleFormat.mosesTokens(tokens) == mosesTokens(tokenizer, line),
                        "\(raw.debugDescription) → \(tokens.debugDescription)")
            }
        }
    }

    @Test(arguments: ["en", "fr"])
    func strippedMarksGiveMosesTokensOnFixtures(language: String) throws {
        let tokenizer = try ReversibleTokenizer(language: language)
        let inputs = try MosesFixtures.lines(language, "input")
        let expected = try MosesFixtures.lines(language, "tok")
        var exempt = 0
        for index in 0..<inputs.count {
            let line = Normalizer.nfc(inputs[index])
            let tokens = tokenizer.tokenize(line)
            #expect(detokenizer.detokenize(tokens) == line)
            // A text spelling sacremoses' DOT…MULTI marker keeps its letters (see ReversibleTokenizer).
            if line.contains("MULTI") { exempt += 1; continue }
            #expect(ReversibleFormat.mosesTokens(tokens) == Self.split(expected[index]),
                    "line \(index + 1): \(tokens.debugDescription)")
        }
        #expect(exempt == 0)
    }

    @Test func detokenizerToleratesMissingStrayAndLowercaseMarks() {
        #expect(detokenizer.detokenize("l ￭’￭ image") == "l’image")
        #expect(detokenizer.detokenize("l ’ image") == "l ’ image")
        #expect(detokenizer.detokenize("a ￭ b") == "ab")
        #expect(detokenizer.detokenize("  a   b  ") == "a b")
        #expect(detokenizer.detokenize("a￭b ￭") == "ab")
        #expect(detokenizer.detokenize("Prix ￭％00a0: ％0041 ％00 ％GGGG ％D800 ％") == "Prix\u{A0}: A ％00 ％GGGG ％D800 ％")
        #expect(detokenizer.detokenize("") == "")
        #expect(detokenizer.detokenize("￭") == "")
    }

    @Test func workspaceIsReusedAcrossLinesOfDifferentLengths() {
        var workspace = ReversibleTokenizer.Workspace()
        var output = [UInt8]()
        for line in ["A long line, with commas, periods... and 'quotes'.", "b.", "", "  ", "Dr. No.\u{A0}!"] {
            output.removeAll()
            Array(line.utf8).withUnsafeBufferPointer { french.tokenize($0, workspace: &workspace, into: &output) }
            #expect(String(decoding: output, as: UTF8.self) == french.tokenize(line))
        }
        // Appends, like MosesTokenizer.
        output = [0x41]
        [UInt8]().withUnsafeBufferPointer { french.tokenize($0, workspace: &workspace, into: &output) }
        #expect(output == [0x41])
    }

    @Test func longLinesTakeLinearTime() {
        let line = Array(repeating: "Dots... and,\u{A0}commas 'quoted' l’été. No. 5,5 $3!", count: 2100).joined(separator: "  ")
        let clock = ContinuousClock()
        var tokens = ""
        var text = ""
        let elapsed = clock.measure {
            tokens = french.tokenize(line)
            text = detokenizer.detokenize(tokens)
        }
        #expect(line.count >= 100_000)
        #expect(text == line)
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }
}
