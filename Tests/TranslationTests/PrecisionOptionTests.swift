import Foundation
import Testing
import Tensor
import TestSupport

/// `--precision` on `nmt translate`, `nmt serve` and `nmt bench translate`, run as a user would:
/// a precision the CPU lacks is one error line naming the option and exit status 1 (a CPU without
/// int8 simulated with `NMT_TEST_CPU_LACKS`), fp32 is the output without the option byte for byte,
/// and int8 translates every line.
@Suite struct PrecisionOptionTests {
    static let fixtures = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation")
    static let model = fixtures.appendingPathComponent("general").path
    static let input = fixtures.appendingPathComponent("input.en").path

    static func translate(_ options: [String], environment: [String: String] = [:]) throws -> NmtProcess.Result {
        try NmtProcess.run(["translate", "--model", model, "--input", input, "--quiet", "--beam", "5"] + options, environment: environment)
    }

    /// One line `nmt: error: --precision …`, exit status 1, nothing on standard output.
    static func expectOneErrorLine(_ result: NmtProcess.Result, _ precision: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("nmt: error: --precision \(precision): "), "\(result.stderr)",
                sourceLocation: sourceLocation)
    }

    @Test func fp32IsTheOutputWithoutTheOption() throws {
        let plain = try Self.translate([]), fp32 = try Self.translate(["--precision", "fp32"])
        #expect(plain.status == 0 && fp32.status == 0, "\(plain.stderr)\(fp32.stderr)")
        #expect(!plain.stdout.isEmpty && fp32.stdout == plain.stdout)
    }

    /// This machine has int8 (AVX2) but not bf16: int8 and auto translate every line (auto is
    /// int8 here, the same bytes), bf16 is the error. Skipped where the CPU lacks int8.
    @Test func int8TranslatesEveryLine() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let int8 = try Self.translate(["--precision", "int8"]), auto = try Self.translate(["--precision", "auto"])
        #expect(int8.status == 0, "\(int8.stderr)")
        let lines = try String(contentsOfFile: Self.input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(int8.stdout.split(separator: "\n", omittingEmptySubsequences: false).count - 1 == lines)
        #expect(auto.stdout == int8.stdout)
    }

    /// An ensemble decodes every model in int8: the fixture model ensembled with itself gives
    /// its own int8 output byte for byte ((x + x) · ½ = x), which it could not if one of the two
    /// stayed fp32.
    @Test func anEnsembleDecodesEveryModelInInt8() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let single = try Self.translate(["--precision", "int8"])
        let twice = try Self.translate(["--model", Self.model, "--precision", "int8"])
        #expect(single.status == 0 && twice.status == 0, "\(single.stderr)\(twice.stderr)")
        #expect(!single.stdout.isEmpty && twice.stdout == single.stdout)
    }

    @Test func aPrecisionTheCPULacksIsOneErrorLine() throws {
        if !ReducedPrecisionCPU.current.bf16 {
            Self.expectOneErrorLine(try Self.translate(["--precision", "bf16"]), "bf16")
        }
        let lacking = ["NMT_TEST_CPU_LACKS": "int8,bf16"]
        Self.expectOneErrorLine(try Self.translate(["--precision", "int8"], environment: lacking), "int8")
        Self.expectOneErrorLine(try Self.translate(["--precision", "bf16"], environment: lacking), "bf16")
        // The option is checked before any work: serve names it before it looks for the model (so
        // that a broken check fails here instead of starting a server), bench before decoding.
        Self.expectOneErrorLine(try NmtProcess.run(["serve", "--model", "/nonexistent/model", "--port", "0", "--precision", "int8"],
                                                   environment: lacking), "int8")
        Self.expectOneErrorLine(try NmtProcess.run(["bench", "translate", "--config", "S", "--beam", "1", "--sentences", "64",
                                                    "--precision", "int8"], environment: lacking), "int8")
        // auto on such a CPU is fp32: the bytes of no option.
        let auto = try Self.translate(["--precision", "auto"], environment: lacking), plain = try Self.translate([])
        #expect(auto.status == 0 && auto.stdout == plain.stdout, "\(auto.stderr)")
        let unknown = try Self.translate(["--precision", "fp16"])
        #expect(unknown.status == 1 && unknown.stderr.contains("--precision"), "\(unknown.stderr)")
    }

    /// `nmt bench translate --precision int8` prints its JSON line with the precision and the
    /// time quantizing took.
    @Test func benchTranslateTakesThePrecision() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let result = try NmtProcess.run(["bench", "translate", "--config", "S", "--beam", "1", "--sentences", "64", "--precision", "int8"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["precision"] as? String == "int8" && object["sentences"] as? Int == 64)
        #expect((object["quantize_seconds"] as? Double ?? 0) > 0)
    }
}
