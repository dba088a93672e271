import Foundation
import Testing
import TestSupport

/// `mpirun -np N nmt translate`: the ranks share the batches, rank 0 writes; the output is the
/// bytes of one process (no mpirun) for greedy and beam search and sampling, and a failure on any rank ends
/// the job with one error line and status 1.
@Suite(.enabled(if: MPIRun.path != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"))
struct ShardedTranslateTests {
    static let fixture = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation/general").path
    static let input = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation/input.en").path

    /// Small batches so that each rank gets several, long and short.
    @Test(arguments: [["--beam", "1", "--batch-size", "8"], ["--beam", "5", "--batch-size", "8"], ["--beam", "5", "--n-best", "3", "--batch-size", "16"],
                       ["--sample", "--temperature", "1.5", "--seed", "7", "--batch-size", "8"]])
    func ranksTranslateAsOneProcess(options: [String]) throws {
        let scratch = try TemporaryDirectory()
        let single = try NmtProcess.run(["translate", "--model", Self.fixture, "--input", Self.input, "--quiet"] + options)
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stdout.split(separator: "\n", omittingEmptySubsequences: false).count >= 101)
        for ranks in [1, 2, 3] {
            let output = scratch.path("out\(ranks).txt")
            let run = try MPIRun.run(ranks: ranks, NmtProcess.executable,
                                     ["translate", "--model", Self.fixture, "--input", Self.input, "--output", output, "--quiet"] + options)
            #expect(run.status == 0 && run.stderr.isEmpty, "\(ranks) ranks: \(run.stderr)")
            let got = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
            #expect(got == single.stdoutBytes, "\(ranks) ranks \(options): \(Self.firstDifference(got, single.stdoutBytes))")
        }
    }

    /// The first line where two outputs differ, for a failure's message.
    static func firstDifference(_ got: [UInt8], _ expected: [UInt8]) -> String {
        let a = String(decoding: got, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let b = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let line = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) else { return "\(a.count) lines against \(b.count)" }
        return "line \(line + 1): \"\(a[line])\" instead of \"\(b[line])\""
    }

    /// Standard input reaches rank 0 only (mpirun's default), which sends the lines on; progress
    /// comes from rank 0 alone.
    @Test func standardInputAndProgressGoThroughRankZero() throws {
        let text = try String(contentsOfFile: Self.input, encoding: .utf8)
        let single = try NmtProcess.run(["translate", "--model", Self.fixture, "--beam", "2"], stdin: Array(text.utf8))
        let run = try MPIRun.run(ranks: 2, NmtProcess.executable, ["translate", "--model", Self.fixture, "--beam", "2"], stdin: text)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == single.stdoutBytes, "\(Self.firstDifference(run.stdout, single.stdoutBytes))")
        let closing = run.stderr.split(separator: "\n").filter { $0.hasPrefix("translate: 189 sentences in ") }
        #expect(closing.count == 1, "\(run.stderr)")
    }

    /// An input rank 0 cannot read: one error line, status 1, no rank left waiting.
    @Test func aMissingInputIsOneErrorLine() throws {
        let scratch = try TemporaryDirectory()
        let run = try MPIRun.run(ranks: 2, NmtProcess.executable,
                                 ["translate", "--model", Self.fixture, "--input", scratch.path("absent.en"), "--output", scratch.path("out")])
        #expect(run.status == 1)
        #expect(run.stderr == "nmt: error: \(scratch.path("absent.en")): no such file\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
    }

    /// The attention maps (decoded with their alignments on whichever rank, sent to rank 0)
    /// are the files one process writes.
    @Test func attentionMapsAsOneProcess() throws {
        let scratch = try TemporaryDirectory()
        let options = ["translate", "--model", Self.fixture, "--input", Self.input, "--attention-limit", "12", "--batch-size", "4", "--quiet"]
        let single = try NmtProcess.run(options + ["--attention", scratch.path("one")])
        let run = try MPIRun.run(ranks: 2, NmtProcess.executable, options + ["--attention", scratch.path("two")])
        #expect(single.status == 0 && run.status == 0, "\(single.stderr)\(run.stderr)")
        #expect(run.stdout == single.stdoutBytes)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path("one")).sorted()
        let shardedNames = try FileManager.default.contentsOfDirectory(atPath: scratch.path("two")).sorted()
        #expect(names.count == 12 && names == shardedNames)
        for name in names {
            #expect(FileManager.default.contentsEqual(atPath: scratch.path("one/\(name)"), andPath: scratch.path("two/\(name)")), "\(name)")
        }
    }

    /// A usage error, which every rank meets while parsing: rank 0 alone says so.
    @Test func aUsageErrorIsSaidOnce() throws {
        let run = try MPIRun.run(ranks: 3, NmtProcess.executable, ["translate", "--model", Self.fixture, "--beam", "0"])
        #expect(run.status == 1)
        #expect(run.stderr == "nmt: error: --beam must be in 1...256, not 0\n")
    }

    /// Commands that do not share their work refuse several ranks (two preparations would write
    /// one directory): one line, status 1, nothing written.
    @Test func otherCommandsRefuseSeveralRanks() throws {
        let scratch = try TemporaryDirectory()
        let corpus = NmtProcess.root.appendingPathComponent("corpora/ddtp-en-fr").path
        let run = try MPIRun.run(ranks: 2, NmtProcess.executable, ["prepare", "--src-lang", "en", "--tgt-lang", "fr",
                                                                   "--corpus", corpus, "--out", scratch.path("data")])
        #expect(run.status == 1)
        #expect(run.stderr == "nmt: error: nmt prepare runs in one process; under mpirun (2 ranks) only nmt train and nmt translate share their work: run nmt prepare without mpirun\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("data")))
        let one = try MPIRun.run(ranks: 1, NmtProcess.executable, ["score", "--ref", Self.input, "--hyp", Self.input])
        #expect(one.status == 0, "\(one.stderr)")
    }

    /// Rank 1 alone cannot open its model (mpirun's `A : B` starts different command lines):
    /// rank 0 prints rank 1's error, every rank exits.
    @Test func aFailureOnAnotherRankEndsAllRanks() throws {
        let scratch = try TemporaryDirectory()
        let arguments = ["--input", Self.input, "--output", scratch.path("out"), "--quiet"]
        let run = try MPIRun.run(ranks: 2, "", [], raw: ["-np", "1", NmtProcess.executable, "translate", "--model", Self.fixture] + arguments
                                 + [":", "-np", "1", NmtProcess.executable, "translate", "--model", scratch.path("nowhere")] + arguments)
        #expect(run.status == 1)
        #expect(run.stderr == "nmt: error: rank 1: \(scratch.path("nowhere")): no such model directory\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
        #expect(run.seconds < 30)
    }
}
