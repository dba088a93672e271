import Foundation
import Testing
import TestSupport

/// Issue 16, item 4: `nmt translate --sample --temperature T --seed S` on the fixture model
/// (`Tests/Fixtures/translation/general`, 100 lines): T → 0 is greedy, the output is a function
/// of the seed alone (not of the batch size), and the options' bounds are one line each.
@Suite struct SamplingCommandTests {
    static let fixtures = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation")
    static let model = fixtures.appendingPathComponent("general").path
    static let input = fixtures.appendingPathComponent("input.en").path

    static func translate(_ options: [String]) throws -> String {
        let result = try NmtProcess.run(["translate", "--model", model, "--input", input, "--quiet"] + options)
        #expect(result.status == 0, "\(options): \(result.stderr)")
        return result.stdout
    }

    /// A tiny temperature gives greedy decoding's output, line for line; temperature 0 is greedy.
    @Test func aTinyTemperatureIsGreedy() throws {
        let greedy = try Self.translate(["--beam", "1"])
        #expect(greedy.split(separator: "\n", omittingEmptySubsequences: false).count == 101)
        #expect(try Self.translate(["--sample", "--temperature", "1e-4", "--seed", "7"]) == greedy)
        #expect(try Self.translate(["--sample", "--temperature", "0"]) == greedy)
    }

    /// The same seed gives the same output, at batch sizes 1 and 32 alike; another seed changes
    /// some line; at T = 1 the samples differ from greedy decoding.
    @Test func theSeedAloneSetsTheOutput() throws {
        let a = try Self.translate(["--sample", "--seed", "3", "--batch-size", "32"])
        #expect(try Self.translate(["--sample", "--seed", "3", "--batch-size", "1"]) == a)
        #expect(try Self.translate(["--sample", "--seed", "3", "--temperature", "1", "--batch-size", "32"]) == a)
        let b = try Self.translate(["--sample", "--seed", "4", "--batch-size", "32"])
        #expect(b != a)
        #expect(b.split(separator: "\n", omittingEmptySubsequences: false).count == 101)
        #expect(try Self.translate(["--beam", "1"]) != a)
    }

    @Test(arguments: [
        (["--sample", "--temperature", "101"], "--temperature must be in [0.0, 100.0], not 101.0"),
        (["--sample", "--temperature", "-0.5"], "--temperature must be in [0.0, 100.0], not -0.5"),
        (["--sample", "--temperature", "nan"], "--temperature must be in [0.0, 100.0], not nan"),
        (["--sample", "--seed", "-1"], "--seed must be in 0...4294967295, not -1"),
        (["--temperature", "0.5"], "--temperature goes with --sample"),
        (["--seed", "2"], "--seed goes with --sample"),
        (["--sample", "--beam", "5"],
         "--sample draws one translation a line and takes no beam (--beam 5); leave --beam out or give --beam 1"),
        (["--sample", "--n-best", "1"], "--sample draws one translation a line; it does not go with --n-best"),
    ])
    func badSamplingOptionsAreOneLine(arguments: [String], message: String) throws {
        let result = try NmtProcess.run(["translate", "--model", "/nonexistent"] + arguments)
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(message)\n")
    }

    @Test func helpDocumentsSampling() throws {
        let help = try NmtProcess.run(["translate", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for text in ["--sample", "--temperature", "softmax(logits / T)", "0 is greedy decoding", "whatever --batch-size"] {
            #expect(help.contains(text), "\(text)")
        }
    }
}
