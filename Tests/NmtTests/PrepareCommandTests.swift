import TestSupport
import Foundation
import Testing

/// `nmt prepare` end to end on small hand-made corpora.
@Suite struct PrepareCommandTests {
    /// One training pair per filter reason, plus pairs that are kept.
    static let train: [(String, String)] = [
        ("Hello world.", "Bonjour le monde."),                       // kept
        ("", "Une phrase sans source."),                              // empty
        ("Debian GNU/Linux", "Debian GNU/Linux"),                     // untranslated
        ("one two three four five six seven", "un deux trois quatre cinq six sept"), // too_long (> 6)
        ("Yes", "Oui, bien sûr"),                                   // length_ratio (1 vs 4 > 2.5)
        ("Hello world.", "Bonjour le monde."),                       // duplicate
        ("The dev sentence.", "Une autre traduction."),              // in_dev_or_test
        ("A small package.", "Un petit paquet."),                    // kept
    ]

    func makeCorpus(_ dir: TemporaryDirectory, train: [(String, String)] = PrepareCommandTests.train) throws -> String {
        try dir.write("corpus/train.en", train.map { $0.0 + "\n" }.joined())
        try dir.write("corpus/train.fr", train.map { $0.1 + "\n" }.joined())
        try dir.write("corpus/dev.en", "The dev sentence.\n\nIt's late.\n")
        try dir.write("corpus/dev.fr", "La phrase de dev.\n\nIl est tard.\n")
        try dir.write("corpus/test.en", "A test, finally.\n")
        try dir.write("corpus/test.fr", "Un test, enfin.\n")
        return dir.path("corpus")
    }

    @Test func filtersTrainByReasonAndKeepsEveryDevAndTestLine() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        let result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out"), "--max-length", "6", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // Reversible tokens by default: Moses' boundaries, ￭ where the text had no space.
        #expect(try dir.read("out/train.en") == "Hello world ￭.\nA small package ￭.\n")
        #expect(try dir.read("out/train.fr") == "Bonjour le monde ￭.\nUn petit paquet ￭.\n")
        #expect(try dir.read("out/dev.en") == "The dev sentence ￭.\n\nIt ￭'s late ￭.\n")
        #expect(try dir.read("out/dev.fr") == "La phrase de dev ￭.\n\nIl est tard ￭.\n")
        #expect(try dir.read("out/test.fr") == "Un test ￭, enfin ￭.\n")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("out/report.json")))) as! [String: Any]
        let splits = report["splits"] as! [String: Any]
        let train = splits["train"] as! [String: Any]
        #expect(train["read"] as? Int == 8)
        #expect(train["kept"] as? Int == 2)
        let dropped = train["dropped"] as! [String: Int]
        #expect(dropped == ["empty": 1, "untranslated": 1, "too_long": 1, "length_ratio": 1, "duplicate": 1, "in_dev_or_test": 1])
        #expect((splits["dev"] as! [String: Any])["kept"] as? Int == 3)
        #expect(report["tokenizer"] as? String == "reversible")
        // Vocabularies of train only, specials first.
        #expect(try dir.read("out/vocab.en") == "<pad>\n<go>\n<eos>\n<unk>\n￭.\nA\nHello\npackage\nsmall\nworld\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out/bpe.codes")))
    }

    @Test func runningTwiceGivesIdenticalBytesAndReusesTheResult() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        let arguments = ["prepare", "--corpus", corpus, "--bpe-merges", "20", "--max-length", "6"]
        #expect(try NmtProcess.run(arguments + ["--out", dir.path("a")]).status == 0)
        #expect(try NmtProcess.run(arguments + ["--out", dir.path("b")]).status == 0)
        let names = ["train.en", "train.fr", "dev.en", "dev.fr", "test.en", "test.fr", "vocab.en", "vocab.fr", "bpe.codes", "report.json"]
        for name in names {
            #expect(try dir.read("a/" + name) == dir.read("b/" + name), "\(name) differs between two runs")
        }
        #expect(try dir.read("a/bpe.codes").hasPrefix("#version: 0.2\n"))
        let modified = try FileManager.default.attributesOfItem(atPath: dir.path("a/train.en"))[.modificationDate] as! Date
        let again = try NmtProcess.run(arguments + ["--out", dir.path("a")])
        #expect(again.status == 0)
        #expect(again.stderr.contains("up to date"))
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path("a/train.en"))[.modificationDate] as! Date == modified)
        // A changed option is not reused.
        let changed = try NmtProcess.run(arguments.dropLast(2) + ["--max-length", "7", "--out", dir.path("a")])
        #expect(!changed.stderr.contains("up to date"))
    }

    @Test func differentLineCountsNameBothFilesAndWriteNothing() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        try dir.write("corpus/train.fr", "Une seule ligne.\n")
        let result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out")])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(corpus)/train.en has 8 lines but \(corpus)/train.fr has 1; the two sides of a parallel corpus must have the same number of lines\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out")))
    }

    @Test func invalidUTF8NamesFileAndLine() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        try dir.write("corpus/dev.fr", Array("La phrase.\n\n".utf8) + [0x49, 0x6C, 0xC3, 0x28, 0x0A])
        let result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out")])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(corpus)/dev.fr:3: invalid UTF-8\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out/train.en")))
    }

    @Test func crlfBOMControlAndZeroWidthCharactersAreCleanedUp() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try dir.write("corpus/test.en", bom + Array("A te\u{1}st,\u{200B} finally.\r\n".utf8))
        try dir.write("corpus/test.fr", bom + Array("Un\u{FEFF} test, enfin.\r\n".utf8))
        let result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.read("out/test.en") == "A test ￭, finally ￭.\n")
        #expect(try dir.read("out/test.fr") == "Un test ￭, enfin ￭.\n")
    }

    @Test func mosesTokenizerGivesPlainMosesTokensAndIsNotReusedForReversible() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        try dir.write("corpus/test.fr", "Prix\u{A0}: l’image d'un « test », enfin.\n")
        let arguments = ["prepare", "--corpus", corpus, "--out", dir.path("out"), "--max-length", "6", "--quiet"]
        var result = try NmtProcess.run(arguments + ["--tokenizer", "moses"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.read("out/train.en") == "Hello world .\nA small package .\n")
        #expect(try dir.read("out/dev.en") == "The dev sentence .\n\nIt 's late .\n")
        #expect(try dir.read("out/test.fr") == "Prix : l ’ image d' un « test » , enfin .\n")
        #expect(try dir.read("out/report.json").contains("\"tokenizer\": \"moses\""))
        result = try NmtProcess.run(arguments)
        #expect(!result.stderr.contains("up to date"))
        #expect(try dir.read("out/test.fr") == "Prix ￭％00A0: l ￭’￭ image d'￭ un « test » ￭, enfin ￭.\n")
        #expect(try dir.read("out/report.json").contains("\"tokenizer\": \"reversible\""))
        result = try NmtProcess.run(arguments + ["--tokenizer", "spaces"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: The value 'spaces' is invalid for '--tokenizer <tokenizer>'. Please provide one of 'reversible' and 'moses'."))
    }

    @Test func emptyFilesAndAHundredThousandCharacterLine() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        try dir.write("corpus/dev.en", "")
        try dir.write("corpus/dev.fr", "")
        let long = String(repeating: "word, ", count: 16_667)   // 100,002 characters
        try dir.write("corpus/test.en", long + "\n")
        try dir.write("corpus/test.fr", long + "\n")
        let result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.read("out/dev.en") == "")
        let test = try dir.read("out/test.en")
        #expect(test.split(separator: " ").count == 2 * 16_667)
    }

    @Test func missingFilesAndDirectoriesAreClearErrors() throws {
        let dir = try TemporaryDirectory()
        let corpus = try makeCorpus(dir)
        try FileManager.default.removeItem(atPath: dir.path("corpus/test.fr"))
        var result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out")])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(corpus)/test.fr: no such file\n")
        result = try NmtProcess.run(["prepare", "--corpus", dir.path("nowhere"), "--out", dir.path("out")])
        #expect(result.stderr == "nmt: error: \(dir.path("nowhere")): no such file\n")
        try FileManager.default.createDirectory(atPath: dir.path("corpus/test.fr"), withIntermediateDirectories: false)
        result = try NmtProcess.run(["prepare", "--corpus", corpus, "--out", dir.path("out")])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(corpus)/test.fr: is a directory, expected a file\n")
    }

    @Test func heldOutSplitFromOnePairOfFilesIsSeededAndComplete() throws {
        let dir = try TemporaryDirectory()
        let english = (1...50).map { "Sentence number \($0)." }
        let french = (1...50).map { "Phrase numéro \($0)." }
        let source = try dir.write("all.en", english.joined(separator: "\n") + "\n")
        let target = try dir.write("all.fr", french.joined(separator: "\n") + "\n")
        let arguments = ["prepare", "--src", source, "--tgt", target, "--split", "dev=5,test=7", "--quiet"]
        #expect(try NmtProcess.run(arguments + ["--out", dir.path("a")]).status == 0)
        #expect(try NmtProcess.run(arguments + ["--out", dir.path("b")]).status == 0)
        let lines = { (name: String) in try dir.read(name).split(separator: "\n").map(String.init) }
        #expect(try lines("a/dev.en").count == 5)
        #expect(try lines("a/test.en").count == 7)
        #expect(try lines("a/train.en").count == 38)
        #expect(try lines("a/dev.en") == lines("b/dev.en"))
        let all = try Set(lines("a/train.en") + lines("a/dev.en") + lines("a/test.en"))
        #expect(all.count == 50)
    }
}
