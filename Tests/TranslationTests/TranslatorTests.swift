import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import IO
import TestSupport
import Text
@testable import Translation

@Suite struct SourcePiecesTests {
    @Test func piecesCoverTheLineAndEndAtWordEnds() {
        #expect(SourcePieces.split(count: 0, limit: 5, isWordEnd: { _ in true }) == [0..<0])
        #expect(SourcePieces.split(count: 5, limit: 5, isWordEnd: { _ in true }) == [0..<5])
        #expect(SourcePieces.split(count: 12, limit: 5, isWordEnd: { _ in true }) == [0..<5, 5..<10, 10..<12])
        let tokens = ["a@@", "b", "c@@", "d@@", "e", "f", "g@@", "h@@", "i@@", "j@@", "k"]
        let pieces = SourcePieces.split(count: tokens.count, limit: 4, isWordEnd: { SourcePieces.endsWord(tokens[$0]) })
        #expect(pieces == [0..<2, 2..<6, 6..<10, 10..<11])    // 6..<10 cuts inside a word: none ends there
        #expect(SourcePieces.split(count: 7, limit: 1, isWordEnd: { _ in false }).count == 7)
        for limit in 1...6 {
            let cut = SourcePieces.split(count: 23, limit: limit, isWordEnd: { $0 % 3 == 2 })
            #expect(cut.first?.lowerBound == 0 && cut.last?.upperBound == 23)
            #expect(zip(cut, cut.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(cut.allSatisfy { !$0.isEmpty && $0.count <= limit })
        }
    }
}

@Suite struct AttentionMapTests {
    /// Well-formed XML a browser shows: one cell per (output, source) pair, tokens escaped.
    @Test func theMapIsWellFormedSVG() throws {
        let svg = AttentionMap.svg(source: ["<b>", "&", "x"], target: ["y", "\"z\"", "<eos>"],
                                   weights: [1, 0, 0, 0.2, 0.5, 0.3, 0, 0, 1])
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 9)
        #expect(svg.contains("&lt;b&gt;") && svg.contains("#08306b") && svg.contains("#ffffff"))
    }
}

@Suite struct TranslatorTests {
    static let lines = ["the cat sat on the mat .", "", "a dog", String(repeating: "the dog sat , ", count: 9) + ".",
                        "\u{1}\u{7}the\tcat\u{1B}", "   ", "cat"]

    func translator(_ model: TestModel, _ configure: (inout TranslationOptions) -> Void = { _ in }) throws -> Translator {
        var options = TranslationOptions()
        options.quiet = true
        configure(&options)
        return try Translator(directory: model.directory, options: options)
    }

    /// One line out per line in, empty for empty, the long line in pieces; the same lines
    /// translated one by one give the same output (batching changes nothing).
    @Test(arguments: [1, 3])
    func oneLineOutPerLineIn(beam: Int) throws {
        let model = try TestModel(layers: 2)
        let translator = try self.translator(model) { $0.beam = beam; $0.batchSize = 2 }
        let output = LineBuffer(contents: try translator.translate(LineBuffer(lines: Self.lines)))
        #expect(output.count == Self.lines.count)
        #expect(output[1] == "")
        #expect(!output[3].isEmpty)
        #expect(output.strings.filter { !$0.isEmpty }.count >= 4)
        let single = try self.translator(model) { $0.beam = beam }
        for (i, line) in Self.lines.enumerated() {
            #expect(LineBuffer(contents: try single.translate(LineBuffer(lines: [line])))[0] == output[i], "line \(i)")
        }
    }

    /// The long line is decoded as pieces of at most the largest bucket's 6 tokens.
    @Test func longLinesAreTranslatedInPieces() throws {
        let model = try TestModel()
        let translator = try self.translator(model) { $0.beam = 1 }
        #expect(translator.maximumSourceLength == 6)
        _ = try translator.translate(LineBuffer(lines: [Self.lines[3]]))
        #expect(translator.sentencesDone == 7)          // 37 tokens → pieces of ≤ 6
    }

    /// Dev-set translation from ids (what training scores BLEU on) prints what `translate --beam 1` prints.
    @Test func preparedSourcesTranslateAsTheCommandDoes() throws {
        let model = try TestModel(tokenizer: .moses, layers: 2)
        let lines = ["the cat sat .", "a dog on the mat", "", "dog"]
        let expected = LineBuffer(contents: try translator(model) { $0.beam = 1 }.translate(LineBuffer(lines: lines))).strings
        let sources = lines.map { $0.split(separator: " ").map { model.directory.sourceVocabulary.id(String($0)) } }
        let (network, parameters, _) = try model.directory.load(.best)
        var options = TranslationOptions()
        options.beam = 1
        options.batchSize = 3
        options.quiet = true
        let texts = try Translator(directory: model.directory, model: network, parameters: parameters, options: options)
            .translate(preparedSources: sources)
        #expect(texts == expected)
        #expect(texts[2] == "" && !texts[0].isEmpty)
    }
}
