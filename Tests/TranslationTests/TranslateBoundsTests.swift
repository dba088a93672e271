import Foundation
import ModelFiles
import Testing
import TestSupport
@testable import Translation

/// Issue 11, defect 3: every number of `nmt translate` has a range checked before any work, and
/// the memory a decode needs is checked against the machine before anything is allocated.
@Suite struct TranslateBoundsTests {
    /// The cases (SIGILL, 24 GB, 480 GB) and the edges: one line naming the option.
    @Test(arguments: [
        (["--batch-size", "10000000"], "--batch-size must be in 1...4096, not 10000000"),
        (["--beam", "100000"], "--beam must be in 1...256, not 100000"),
        (["--beam", "-1"], "--beam must be in 1...256, not -1"),                 // was "Missing value"
        (["--beam", "0"], "--beam must be in 1...256, not 0"),
        (["--max-length-ratio", "1e9"], "--max-length-ratio must be in (0.0, 10.0], not 1000000000.0"),
        (["--max-length-ratio", "-2"], "--max-length-ratio must be in (0.0, 10.0], not -2.0"),
        (["--length-penalty", "inf"], "--length-penalty must be in [0.0, 10.0], not inf"),
        (["--n-best", "3", "--beam", "2"], "--n-best must be in 1...2, not 3"),
        (["--attention-limit", "-5"], "--attention-limit must be in 0...100000, not -5"),
        (["--threads", "0"], "--threads must be in 1...1000000, not 0"),
    ])
    func optionsOutOfRangeAreOneLine(arguments: [String], message: String) throws {
        // No model is read: the ranges are checked first.
        let result = try NmtProcess.run(["translate", "--model", "/nonexistent"] + arguments)
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(message)\n")
    }

    /// Issue 11, defect 7: `--n-best N` may print fewer than N lines; --help says so and when.
    @Test func helpSaysNBestMayGiveFewer() throws {
        let help = try NmtProcess.run(["translate", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("N at most the beam: at most N, since the search returns only the hypotheses it finished"), "\(help)")
    }

    /// `--threads 100000` was killed by the OOM killer at 21 GB (a workspace per thread): capped
    /// at the cores.
    @Test func threadsAreCappedAtTheCores() throws {
        let model = try TestModel()
        let result = try NmtProcess.run(["translate", "--model", model.path, "--threads", "100000", "--quiet"],
                                        stdin: Array("the cat sat .\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1)
        let tokenized = try NmtProcess.run(["tokenize", "--lang", "en", "--threads", "100000"], stdin: Array("a b.\n".utf8))
        #expect(tokenized.status == 0 && tokenized.stdout == "a b .\n", "\(tokenized.stderr)")
    }

    /// Within every range, a decode can still ask for more than the machine has: refused before
    /// the model is loaded, naming what it needs (NMT_MEMORY_LIMIT plays a small machine).
    @Test func decodesLargerThanTheMachineAreRefused() throws {
        let model = try TestModel()
        let result = try NmtProcess.run(["translate", "--model", model.path, "--beam", "256", "--batch-size", "4096", "--quiet"],
                                        environment: ["NMT_MEMORY_LIMIT": "64M"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: translate with beam 256 × batch 4096 needs "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("; this machine has 0.1 GB\n") && result.stderr.split(separator: "\n").count == 1)
        let small = try NmtProcess.run(["translate", "--model", model.path, "--beam", "2", "--quiet"], stdin: Array("the cat .\n".utf8),
                                       environment: ["NMT_MEMORY_LIMIT": "64M"])
        #expect(small.status == 0, "\(small.stderr)")
    }

    /// `--attention` on a 200,000-character line asked for 8 GB for one map: checked first.
    @Test func attentionMapsOfHugeLinesAreRefused() throws {
        let model = try TestModel()
        let scratch = try TemporaryDirectory()
        let line = String(repeating: "the cat sat on a mat ", count: 9_600) + "\n"      // 201,600 characters
        let result = try NmtProcess.run(["translate", "--model", model.path, "--attention", scratch.path("maps"), "--quiet"],
                                        stdin: Array(("a cat .\n" + line).utf8))
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: the attention map of line 2 (57600 × up to "), "\(result.stderr)")
        #expect(result.stderr.contains(" needs ") && result.stderr.split(separator: "\n").count == 1)
    }

    /// The estimate bounds what a search allocates: its table of history entries for beam 4 ×
    /// batch 8 over 6-token sources grows as the bound says, and the estimate is within 2× of
    /// the parts it adds (parameters, inference buffers, history).
    @Test func estimateGrowsWithBeamBatchAndRatio() throws {
        let model = try TestModel()
        let configuration = model.directory.configuration
        // Less the process itself, which does not grow.
        func bytes(_ beam: Int, _ batch: Int, _ ratio: Double, _ alignments: Bool = false) -> Double {
            -DecodingMemory.processBytes + DecodingMemory.bytes(configuration: configuration, beam: beam, batchSize: batch,
                                 maximumSourceLength: 6, maxLengthRatio: ratio, alignments: alignments)
        }
        #expect(bytes(256, 4096, 2) > 100 * bytes(5, 64, 2))
        #expect(bytes(5, 64, 10) > bytes(5, 64, 2))
        #expect(bytes(5, 64, 2, true) > bytes(5, 64, 2))
        // The issue's --beam 100000 × batch 64 on the shipped model (vocabularies of 20,000, hidden 256):
        // its logits alone are 100000 · 64 · 20000 floats, 512 GB, and as many candidates (8 bytes each).
        var recipe = Recipe()
        recipe.data.buckets = [[80, 90]]
        let shipped = recipe.largestConfiguration
        let huge = DecodingMemory.bytes(configuration: shipped, beam: 100_000, batchSize: 64,
                                        maximumSourceLength: 80, maxLengthRatio: 2, alignments: false)
        let logits = 100_000.0 * 64 * 20_000 * 4
        #expect(huge >= 3 * logits && huge <= 6 * logits, "\(huge)")
    }
}
