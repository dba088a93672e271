import TestSupport
import Testing

@Suite struct VocabCommandTests {
    @Test func writesSpecialsThenFrequencyOrderWithByteOrderTies() throws {
        let dir = try TemporaryDirectory()
        // counts: a 3, b 2, c 2, é 2, Z 1, z 1; "<unk>" in the text is not counted again.
        let first = try dir.write("one.txt", "a b c\né a  b <unk>\n")
        let second = try dir.write("two.txt", "z Z c é a\n")
        let result = try NmtProcess.run(["vocab", "--input", first, second, "--output", dir.path("vocab")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.read("vocab") == "<pad>\n<go>\n<eos>\n<unk>\na\nb\nc\né\nZ\nz\n")
    }

    @Test func sizeCountsTheSpecialsAndMinCountDropsRareTokens() throws {
        let dir = try TemporaryDirectory()
        let text = try dir.write("t.txt", "a a a b b c\n")
        _ = try NmtProcess.run(["vocab", "--input", text, "--output", dir.path("v5"), "--size", "5"])
        #expect(try dir.read("v5") == "<pad>\n<go>\n<eos>\n<unk>\na\n")
        _ = try NmtProcess.run(["vocab", "--input", text, "--output", dir.path("m2"), "--min-count", "2"])
        #expect(try dir.read("m2") == "<pad>\n<go>\n<eos>\n<unk>\na\nb\n")
    }

    @Test func badInputIsOneLineErrorWithExitStatusOne() throws {
        let dir = try TemporaryDirectory()
        let missing = try NmtProcess.run(["vocab", "--input", dir.path("nope"), "--output", dir.path("v")])
        #expect(missing.status == 1)
        #expect(missing.stderr == "nmt: error: \(dir.path("nope")): no such file\n")
        let directory = try NmtProcess.run(["vocab", "--input", dir.url.path, "--output", dir.path("v")])
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("is a directory"))
        let bad = try dir.write("bad.txt", [0x61, 0x0A, 0x62, 0xFF, 0x0A])
        let invalid = try NmtProcess.run(["vocab", "--input", bad, "--output", dir.path("v")])
        #expect(invalid.status == 1)
        #expect(invalid.stderr == "nmt: error: \(bad):2: invalid UTF-8\n")
        let usage = try NmtProcess.run(["vocab", "--input", bad, "--output", dir.path("v"), "--size", "2"])
        #expect(usage.status == 1)
        #expect(usage.stderr.hasPrefix("nmt: error: --size must be in 4...1000000"))
    }
}
