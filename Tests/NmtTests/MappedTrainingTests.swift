import Foundation
import ModelFiles
import Testing
import TestSupport

/// `nmt train` reads its pairs from the prepared `train.ids` (memory-mapped): the same training as
/// from the text files, and a damaged file is one error line naming it.
@Suite(.serialized) struct MappedTrainingTests {
    @Test func mappedAndTextTrainTheSameAndDamageIsOneLine() throws {
        let dir = try TemporaryDirectory()
        let recipe = try TrainCommandTests().setUp(dir, steps: 6)
        let setup = TrainCommandTests()
        #expect(try setup.run(dir, recipe, out: "mapped", ["--quiet"]).status == 0)
        let ids = dir.path("data/train.ids")
        #expect(FileManager.default.fileExists(atPath: ids))

        // A train.ids made for other vocabularies is stale: training reads the text files.
        let other = try NmtProcess.run(["prepare", "--corpus", dir.path("corpus"), "--out", dir.path("other"),
                                        "--src-vocab", "12", "--quiet"])
        #expect(other.status == 0, "\(other.stderr)")
        let good = try Data(contentsOf: URL(fileURLWithPath: ids))
        try FileManager.default.removeItem(atPath: ids)
        try FileManager.default.copyItem(atPath: dir.path("other/train.ids"), toPath: ids)
        let text = try setup.run(dir, recipe, out: "text", ["--quiet"])
        #expect(text.status == 0, "\(text.stderr)")
        let a = try Checkpoint(contentsOf: dir.path("mapped/last.ckpt"))
        let b = try Checkpoint(contentsOf: dir.path("text/last.ckpt"))
        for name in ["parameters", "adam.m", "adam.v"] {
            #expect(a.tensor(name)!.matrix.array == b.tensor(name)!.matrix.array, "\(name) differs")
        }

        var damaged = good
        damaged[damaged.count / 2] ^= 0x10
        try damaged.write(to: URL(fileURLWithPath: ids))
        let failed = try setup.run(dir, recipe, out: "damaged", ["--quiet"])
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("nmt: error: ") && failed.stderr.contains("/data/train.ids: ")
                && failed.stderr.filter { $0 == "\n" }.count == 1, "\(failed.stderr)")
    }
}
