import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// `nmt translate` end to end on a model directory made in the test.
@Suite struct TranslateCommandTests {
    /// Empty lines, a line far longer than the largest bucket, invalid UTF-8, control characters,
    /// CRLF, no final newline: exactly one line out per line in, and one warning.
    @Test(arguments: ["reversible", "moses"])
    func oneLineOutPerLineIn(tokenizer: String) throws {
        let model = try TestModel(tokenizer: tokenizer == "moses" ? .moses : .reversible)
        var input = Array("the cat sat on the mat .\n\n\n".utf8)
        input += Array((String(repeating: "the dog sat on a mat , ", count: 30) + ".\n").utf8)
        input += [0x74, 0x68, 0xE9, 0x20, 0x63, 0x61, 0x74, 0x0A]          // "th\xE9 cat"
        input += Array("\u{1}\u{7}\u{1B}\ta\u{0B}dog\u{7F}\r\n\u{0}\n".utf8)
        input += [0xFF, 0xFE, 0x0A] + Array("cat".utf8)
        let result = try NmtProcess.run(["translate", "--model", model.path, "--quiet"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 9 + 1, "\(result.stdout)")     // 9 lines, each ending in \n
        #expect(lines[1] == "" && lines[2] == "" && lines.last == "")
        #expect(!lines[3].isEmpty)
        #expect(result.stderr == "nmt: warning: <stdin>: invalid UTF-8 replaced by U+FFFD on lines 5, 8\n")
    }

    /// Files in and out (the output written atomically) give what the pipe gives; beam 1 works;
    /// progress goes to standard error with sentences/s.
    @Test func filesAndPipesAgree() throws {
        let model = try TestModel()
        let scratch = try TemporaryDirectory()
        let text = "the cat sat .\n\na dog on the mat\n"
        let input = try scratch.write("input.en", text)
        let piped = try NmtProcess.run(["translate", "--model", model.path, "--beam", "1", "--quiet"], stdin: Array(text.utf8))
        let filed = try NmtProcess.run(["translate", "--model", model.path, "--beam", "1", "--input", input,
                                        "--output", scratch.path("output.fr")])
        #expect(filed.status == 0 && filed.stdout.isEmpty, "\(filed.stderr)")
        #expect(try scratch.read("output.fr") == piped.stdout)
        #expect(filed.stderr.contains("sentences/s"), "\(filed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("output.fr") + ".tmp-\(getpid())"))
    }

    /// `i ||| hypothesis ||| score`, the N best of each line in order, best first.
    @Test func nBestLists() throws {
        let model = try TestModel(beam: 4)
        let text = "the cat sat .\n\na dog on the mat\n"
        let result = try NmtProcess.run(["translate", "--model", model.path, "--n-best", "3", "--quiet"], stdin: Array(text.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let entries = result.stdout.split(separator: "\n").map { $0.components(separatedBy: " ||| ") }
        #expect(entries.allSatisfy { $0.count == 3 && Double($0[2]) != nil }, "\(result.stdout)")
        let numbers = entries.map { Int($0[0])! }
        #expect(numbers == numbers.sorted() && Set(numbers) == [0, 1, 2])
        #expect(numbers.filter { $0 == 0 }.count <= 3 && numbers.filter { $0 == 1 }.count == 1)
        for i in [0, 2] {
            let scores = entries.filter { Int($0[0]) == i }.map { Double($0[2])! }
            #expect(scores == scores.sorted(by: >))
        }
        #expect(entries.first { $0[0] == "1" }! == ["1", "", "0.0"])
    }

    /// With outputs full of <unk>, --replace-unk puts source tokens in their place.
    @Test func replaceUnknown() throws {
        let model = try TestModel(unknownBias: 6)
        let text = "the cat sat on the mat .\n"
        let plain = try NmtProcess.run(["translate", "--model", model.path, "--quiet"], stdin: Array(text.utf8))
        #expect(plain.stdout.contains("<unk>"), "\(plain.stdout)")
        let replaced = try NmtProcess.run(["translate", "--model", model.path, "--replace-unk", "--quiet"], stdin: Array(text.utf8))
        #expect(replaced.status == 0)
        #expect(!replaced.stdout.contains("<unk>"), "\(replaced.stdout)")
        let words = Set(replaced.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        #expect(!words.isEmpty && words.isSubset(of: Set(TestModel.sourceWords + TestModel.targetWords)), "\(words)")
    }

    /// --attention DIR: one SVG per line for the first --attention-limit lines (none for empty lines).
    @Test func attentionMaps() throws {
        let model = try TestModel()
        let scratch = try TemporaryDirectory()
        let text = "the cat sat .\n\n" + String(repeating: "a dog on the mat , ", count: 3) + "\ncat\n"
        let result = try NmtProcess.run(["translate", "--model", model.path, "--attention", scratch.path("maps"),
                                         "--attention-limit", "3", "--quiet"], stdin: Array(text.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path("maps")).sorted()
        #expect(files == ["line-00001.svg", "line-00003.svg"])
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: scratch.path("maps/" + file)))
            #expect(XMLParser(data: data).parse(), "\(file)")
        }
    }

    @Test func errorsAreOneLine() throws {
        let model = try TestModel(beam: 2)
        var result = try NmtProcess.run(["translate", "--model", model.path + "-missing"])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(model.path)-missing: no such model directory\n")
        result = try NmtProcess.run(["translate", "--model", model.path, "--n-best", "3"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: --n-best 3 is larger than the beam (2)"), "\(result.stderr)")
        result = try NmtProcess.run(["translate", "--model", model.path, "--checkpoint", "last"])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("last.ckpt: no such checkpoint (has training written one yet?)\n"), "\(result.stderr)")
        result = try NmtProcess.run(["translate", "--model", model.path, "--input", model.path + "/nothing.txt"])
        #expect(result.status == 1 && result.stderr.contains("nothing.txt: no such file"), "\(result.stderr)")
    }

    /// `--model` naming a regular file says so instead of "no such model directory".
    @Test func modelThatIsAFileIsNotADirectory() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("model.txt", "not a model\n")
        let result = try NmtProcess.run(["translate", "--model", file], stdin: Array("the cat\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(file): not a directory (--model takes the directory nmt train wrote)\n")
    }

    /// Settings of `config.yaml` that change what the model sees are tied to its checkpoints:
    /// editing them is refused like an edited tokenizer, instead of translating garbage.
    @Test(arguments: [("lowercase: false", "lowercase: true", "lowercase"),
                      ("reverse_source: true", "reverse_source: false", "reverse_source"),
                      ("tokenizer: reversible", "tokenizer: moses", "tokenizer")])
    func editedPreprocessingIsRefused(old: String, new: String, key: String) throws {
        let model = try TestModel()
        let config = model.path + "/config.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains(old), "\(text)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: config, atomically: true, encoding: .utf8)
        let result = try NmtProcess.run(["translate", "--model", model.path, "--quiet"], stdin: Array("the cat\n".utf8))
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stderr.hasPrefix("nmt: error: \(model.path)/best.ckpt: checkpoint of another model:"), "\(result.stderr)")
        #expect(result.stderr.contains(key) && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
