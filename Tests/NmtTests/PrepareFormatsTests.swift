import TestSupport
import Foundation
import Testing

/// Issue 16, item 5: `nmt prepare --tsv FILE` and `--tmx FILE` feed the same pipeline as a plain
/// pair of files: the same pairs give the same prepared files byte for byte, and entries that
/// give no pair are counted by reason under "input" in report.json.
@Suite struct PrepareFormatsTests {
    static let pairs: [(String, String)] = [
        ("Hello world.", "Bonjour le monde."),
        ("A small package.", "Un petit paquet."),
        ("The cat sat on the mat.", "Le chat était assis sur le tapis."),
        ("It's late & dark.", "Il est tard et il fait nuit."),
        ("A <b>tag</b> in text.", "Une <b>balise</b> dans le texte."),
        ("Tools for the package manager.", "Des outils pour le gestionnaire de paquets."),
        ("One more line.", "Une ligne de plus."),
        ("Dev or test, by the draw.", "Dev ou test, selon le tirage."),
    ]
    static let outputs = ["train.en", "train.fr", "dev.en", "dev.fr", "test.en", "test.fr", "vocab.en", "vocab.fr", "bpe.codes"]
    static let options = ["--split", "dev=2,test=1", "--bpe-merges", "30", "--quiet"]

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    static func report(_ dir: TemporaryDirectory, _ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("\(name)/report.json")))) as! [String: Any]
    }

    @Test func tsvAndTMXGiveThePlainFilesOutput() throws {
        let dir = try TemporaryDirectory()
        let source = try dir.write("plain.en", Self.pairs.map { $0.0 + "\n" }.joined())
        let target = try dir.write("plain.fr", Self.pairs.map { $0.1 + "\n" }.joined())
        // The same pairs with one malformed line of each kind between them.
        var tsv = Self.pairs.map { "\($0.0)\t\($0.1)\n" }
        tsv.insert("no tab\n", at: 1)
        tsv.insert("\n", at: 3)
        tsv.insert("a\tb\tc\n", at: 5)
        tsv.insert(" \tvide\n", at: 7)
        var tsvBytes = Array(tsv.joined().utf8)
        tsvBytes += [0xC3, 0x28, 0x09, 0x78, 0x0A]
        let tsvPath = try dir.write("pairs.tsv", tsvBytes)
        // The same pairs in TMX, the languages each way round, inline codes around the text, and
        // units without a pair.
        var units = Self.pairs.enumerated().map { i, pair in
            let en = "<tuv xml:lang=\"\(i % 2 == 0 ? "en" : "EN-US")\"><seg>\(Self.escaped(pair.0))</seg></tuv>"
            let fr = "<tuv xml:lang=\"fr_FR\"><seg><bpt i=\"1\">{b}</bpt>\(Self.escaped(pair.1))<ept i=\"1\">{/b}</ept></seg></tuv>"
            return "<tu>\(i % 3 == 0 ? fr + en : en + fr)</tu>\n"
        }
        units.insert("<tu><tuv xml:lang=\"en\"><seg>Alone.</seg></tuv></tu>\n", at: 2)
        units.insert("<tu><tuv xml:lang=\"en\"><seg><ph>x</ph></seg></tuv><tuv xml:lang=\"fr\"><seg>Vide.</seg></tuv></tu>\n", at: 4)
        let tmxPath = try dir.write("pairs.tmx", "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n"
                                                + units.joined() + "</body></tmx>\n")

        for (name, input) in [("plain", ["--src", source, "--tgt", target]), ("tsv", ["--tsv", tsvPath]), ("tmx", ["--tmx", tmxPath])] {
            let result = try NmtProcess.run(["prepare", "--out", dir.path(name)] + input + Self.options)
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
        for name in ["tsv", "tmx"] {
            for file in Self.outputs {
                #expect(try dir.read("\(name)/\(file)") == dir.read("plain/\(file)"), "\(name)/\(file)")
            }
        }
        #expect(try dir.read("plain/dev.en").split(separator: "\n").count == 2)

        let plain = try Self.report(dir, "plain")
        #expect(plain["input"] == nil)
        let tsvInput = try Self.report(dir, "tsv")["input"] as! [String: Any]
        #expect(tsvInput["format"] as? String == "tsv")
        #expect(tsvInput["pairs"] as? Int == 8)
        #expect(tsvInput["malformed"] as? [String: Int] == ["invalid_utf8": 1, "blank_line": 1, "missing_tab": 1,
                                                             "extra_columns": 1, "empty_side": 1])
        #expect(tsvInput["malformed_total"] as? Int == 5)
        let tmxInput = try Self.report(dir, "tmx")["input"] as! [String: Any]
        #expect(tmxInput["format"] as? String == "tmx")
        #expect(tmxInput["malformed"] as? [String: Int] == ["missing_source": 0, "missing_target": 1, "duplicate_language": 0,
                                                             "missing_seg": 0, "several_segs": 0, "empty_seg": 1])
        // Everything else in the report is the plain files' (the fingerprint aside).
        for name in ["tsv", "tmx"] {
            var report = try Self.report(dir, name)
            var reference = plain
            for key in ["input", "fingerprint"] { report[key] = nil; reference[key] = nil }
            let canonical = { (object: [String: Any]) in
                String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            }
            #expect(try canonical(report) == canonical(reference), "\(name)")
        }
    }

    @Test func brokenTMXIsOneLineNamingFileAndLine() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.tmx", "<tmx><body>\n<tu><tuv xml:lang=\"en\"><seg>a &b c</seg></tuv></tu>\n</body></tmx>\n")
        let result = try NmtProcess.run(["prepare", "--tmx", path, "--out", dir.path("out")])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(path):2: invalid XML: '&' that starts no entity reference (write &amp;)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out/report.json")))
    }

    @Test(arguments: [
        ["--tsv", "a.tsv", "--corpus", "dir"],
        ["--tsv", "a.tsv", "--tmx", "a.tmx"],
        ["--tmx", "a.tmx", "--src", "a.en", "--tgt", "a.fr"],
    ])
    func oneSourceOfPairs(arguments: [String]) throws {
        let result = try NmtProcess.run(["prepare", "--out", "/nonexistent/out"] + arguments)
        #expect(result.status == 1)
        // As prepare's other usage errors: the line, then where to find the usage.
        #expect(result.stderr.hasPrefix("nmt: error: give one of --corpus DIR, both --src FILE and --tgt FILE, --tsv FILE or --tmx FILE\n"))
    }

    @Test func missingFilesAreOneLine() throws {
        for option in ["--tsv", "--tmx"] {
            let result = try NmtProcess.run(["prepare", option, "/nonexistent/pairs", "--out", "/nonexistent/out"])
            #expect(result.status == 1)
            #expect(result.stderr == "nmt: error: /nonexistent/pairs: no such file\n")
        }
    }
}
