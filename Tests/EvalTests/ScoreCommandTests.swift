import TestSupport
import Foundation
import Testing

/// `nmt score`'s input handling and error messages: one `nmt: error:` line naming the file (and
/// line), exit status 1.
@Suite struct ScoreCommandTests {
    @Test func differentLineCountsNameBothFilesAndCounts() throws {
        let dir = try TemporaryDirectory()
        let hyp = try dir.write("hyp.txt", "a b c\nd e f\n")
        let ref = try dir.write("ref.txt", "a b c\nd e f\ng h\n")
        let result = try NmtProcess.run(["score", "--ref", ref, "--hyp", hyp])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "nmt: error: \(hyp) has 2 lines but \(ref) has 3; hypotheses and references must be line-aligned\n")

        let second = try dir.write("second.txt", "x\n")
        let stdin = try NmtProcess.run(["score", "--ref", ref, "--ref", second], stdin: Array("a\nb\nc\n".utf8))
        #expect(stdin.status == 1)
        #expect(stdin.stderr == "nmt: error: <stdin> has 3 lines but \(second) has 1; hypotheses and references must be line-aligned\n")
    }

    @Test func missingFilesDirectoriesAndInvalidUTF8() throws {
        let dir = try TemporaryDirectory()
        let hyp = try dir.write("hyp.txt", "a b\n")
        let missing = try NmtProcess.run(["score", "--ref", dir.path("nope"), "--hyp", hyp])
        #expect(missing.status == 1)
        #expect(missing.stderr == "nmt: error: \(dir.path("nope")): no such file\n")

        let ref = try dir.write("ref.txt", "a b\n")
        let missingHypothesis = try NmtProcess.run(["score", "--ref", ref, "--hyp", dir.path("none.txt")])
        #expect(missingHypothesis.status == 1)
        #expect(missingHypothesis.stderr == "nmt: error: \(dir.path("none.txt")): no such file\n")

        let directory = try NmtProcess.run(["score", "--ref", ref, "--hyp", dir.url.path])
        #expect(directory.status == 1)
        #expect(directory.stderr == "nmt: error: \(dir.url.path): is a directory, expected a file\n")

        let bad = try dir.write("bad.txt", [0x61, 0x0A, 0x62, 0xC3, 0x28, 0x0A])
        let badReference = try NmtProcess.run(["score", "--ref", bad, "--hyp", hyp])
        #expect(badReference.status == 1)
        #expect(badReference.stderr == "nmt: error: \(bad):2: invalid UTF-8\n")

        let badStdin = try NmtProcess.run(["score", "--ref", ref], stdin: [0xFF, 0x0A])
        #expect(badStdin.status == 1)
        #expect(badStdin.stderr == "nmt: error: <stdin>:1: invalid UTF-8\n")
    }

    @Test func emptyInputAndBadOptions() throws {
        let dir = try TemporaryDirectory()
        let empty = try dir.write("empty.txt", "")
        let nothing = try NmtProcess.run(["score", "--ref", empty, "--hyp", empty])
        #expect(nothing.status == 1)
        #expect(nothing.stderr == "nmt: error: \(empty): no lines to score\n")

        let ref = try dir.write("ref.txt", "a b\n")
        for (arguments, message) in [
            (["--hyp", ref], "give at least one --ref file"),
            (["--ref", ref, "--metric", "ter"], "--metric must be bleu or chrf, not 'ter'"),
            (["--ref", ref, "--tokenize", "intl"], "--tokenize must be 13a or none, not 'intl'"),
            (["--ref", ref, "--smooth", "add-one"], "--smooth must be one of exp, floor, add-k, none, not 'add-one'"),
            (["--ref", ref, "--metric", "chrf", "--tokenize", "13a"], "--tokenize applies to --metric bleu only"),
            (["--ref", ref, "--metric", "chrf", "--smooth", "exp"], "--smooth applies to --metric bleu only"),
            (["--ref", ref, "--width", "101"], "--width must be in 0...100, not 101"),
        ] {
            let result = try NmtProcess.run(["score"] + arguments, stdin: Array("a b\n".utf8))
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("nmt: error: \(message)\n"), "\(result.stderr)")
        }
    }

    @Test func standardInputIsTheDefaultHypothesis() throws {
        let dir = try TemporaryDirectory()
        let ref = try dir.write("ref.txt", "the cat sat on the mat\nit rained all day long\n")
        let hyp = try dir.write("hyp.txt", "the cat sat on a mat\nit rained all the day\n")
        let fromFile = try NmtProcess.run(["score", "--ref", ref, "--hyp", hyp])
        let fromStdin = try NmtProcess.run(["score", "--ref", ref], stdin: Array("the cat sat on a mat\nit rained all the day\n".utf8))
        let dash = try NmtProcess.run(["score", "--ref", ref, "--hyp", "-"], stdin: Array("the cat sat on a mat\nit rained all the day".utf8))
        #expect(fromFile.status == 0)
        #expect(fromFile.stdout.hasPrefix("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0 = "))
        #expect(fromStdin.stdout == fromFile.stdout)
        #expect(dash.stdout == fromFile.stdout)
    }

    @Test func jsonHasTheStatisticsAndSentenceJSONIsOneObjectALine() throws {
        let dir = try TemporaryDirectory()
        let ref = try dir.write("ref.txt", "the cat sat on the mat\nit rained all day long\n\n")
        let hyp = try dir.write("hyp.txt", "the cat sat on a mat\nit rained all the day\nextra\n")
        let corpus = try NmtProcess.run(["score", "--ref", ref, "--hyp", hyp, "--json"])
        #expect(corpus.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(corpus.stdout.utf8)) as! [String: Any]
        for key in ["name", "score", "signature", "verbose_score", "counts", "totals", "precisions", "bp", "sys_len", "ref_len"] {
            #expect(object[key] != nil, "\(key)")
        }
        #expect(object["counts"] as? [Int] == [9, 5, 3, 1])
        #expect(object["totals"] as? [Int] == [12, 9, 7, 5])
        #expect(object["sys_len"] as? Int == 12)
        #expect(object["ref_len"] as? Int == 11)

        let sentences = try NmtProcess.run(["score", "--ref", ref, "--hyp", hyp, "--json", "--sentence"])
        let lines = sentences.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["eff"] as? String == "yes")
        }
    }
}
