import IO
import TestSupport
import Testing
@testable import ModelFiles

/// The inputs on which `Tests/Fuzz` crashed the recipe and checkpoint readers (kept under
/// `Tests/Fuzz/crashes/`), fed to the same functions with the same properties as the fuzz targets
/// (`FuzzRecipe`, `FuzzCheckpoint`), so that `swift test` keeps them fixed without the fuzzer.
@Suite struct FuzzFindingsTests {
    static let crashes = "/" + #filePath.split(separator: "/").dropLast(2).joined(separator: "/") + "/Fuzz/crashes"

    static func input(_ name: String) throws -> [UInt8] {
        try FileSystem.readBytes("\(crashes)/\(name)")
    }

    let scratch = try! TemporaryDirectory()

    /// A recipe with NUL bytes: libyaml's reader refused the control character, and the error
    /// quoted the recipe over several lines instead of naming the line (now refused before Yams).
    @Test func recipeReaderErrorIsOneLineNamingTheLine() throws {
        let path = Self.crashes + "/recipe-control-character-error-lines"
        do {
            _ = try Recipe(contentsOf: path)
            Issue.record("a recipe with NUL bytes was accepted")
        } catch let error as RecipeError {
            #expect("\(error)" == "\(path):17: a recipe is text; this line holds a NUL byte")
        }
    }

    /// A flow mapping key that runs over a line break: the unknown-key error quoted it as it was,
    /// over two lines.
    @Test func recipeErrorQuotingALineBreakIsOneLine() throws {
        do {
            _ = try Recipe(contentsOf: Self.crashes + "/recipe-key-with-line-break")
            Issue.record("the recipe was accepted")
        } catch let error as RecipeError {
            #expect(!"\(error)".contains("\n") && "\(error)".contains("unknown key 'decode.leng\\n"), "\(error)")
        }
    }

    /// `data.corpus` holding ` #` or `: `: `config.yaml` wrote it unquoted, so it read back as
    /// `a` (a comment) or not at all. A recipe written and read again must be the same recipe.
    @Test(arguments: ["recipe-config-yaml-unquoted-hash", "recipe-config-yaml-unquoted-colon"])
    func configYAMLReadsBackTheSameRecipe(_ name: String) throws {
        let recipe = try Recipe(contentsOf: Self.crashes + "/" + name)
        #expect(try Recipe(yaml: recipe.yaml, path: "config.yaml") == recipe)
        for corpus in ["plain/path-1.0", "../up", "-dash", "quote \" and \\ back", "tab\tand\nline", "ünïcode ✓", "true", "123", "del\u{7F}", "nonchar\u{FFFE}"] {
            var edited = recipe
            edited.data.corpus = corpus
            #expect(try Recipe(yaml: edited.yaml, path: "config.yaml").data.corpus == corpus, "\(corpus.debugDescription)")
        }
    }

    /// A section claiming 0xFFFB0006_01000000 values: `Int(UInt64)` trapped (above Int.max), and a
    /// count that fits in an Int could overflow `count * 8` or allocate before the size was checked.
    @Test(arguments: ["checkpoint-count-beyond-int"])
    func checkpointWithImpossibleCountIsRefused(_ name: String) throws {
        let bytes = try Self.input(name)
        for candidate in [bytes, Self.withChecksum(bytes)] {
            let path = scratch.path("fuzz.ckpt")
            try FileSystem.writeAtomically(path, candidate)
            #expect(throws: CheckpointError.self) { try Checkpoint(contentsOf: path) }
        }
    }

    /// Section counts at the edges of what the arithmetic holds, behind a valid checksum: each is
    /// refused as truncated before anything is allocated.
    @Test(arguments: [UInt64.max, 1 << 63, 1 << 62, 1 << 61, UInt64(Int.max) / 4 + 1, 1 << 40])
    func checkpointSectionCountsBeyondTheFileAreTruncated(_ count: UInt64) throws {
        for kind: UInt8 in [1, 2, 3] {
            var bytes = Checkpoint.magic
            withUnsafeBytes(of: Checkpoint.formatVersion.littleEndian) { bytes += $0 }
            bytes += [kind]
            withUnsafeBytes(of: UInt32(1).littleEndian) { bytes += $0 }
            bytes += Array("x".utf8)
            withUnsafeBytes(of: count.littleEndian) { bytes += $0 }
            bytes += [UInt8](repeating: 0, count: 16)
            let path = scratch.path("edge.ckpt")
            try FileSystem.writeAtomically(path, Self.withChecksum(bytes + [UInt8](repeating: 0, count: 8)))
            #expect(throws: CheckpointError.truncated(path: path)) { try Checkpoint(contentsOf: path) }
        }
    }

    /// `bytes` with its last 8 bytes replaced by the checksum of the rest (as `FuzzCheckpoint` does).
    static func withChecksum(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 20 else { return bytes }
        var checksum = Checksum()
        bytes.withUnsafeBytes { checksum.add(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 8)])) }
        var fixed = bytes
        withUnsafeBytes(of: checksum.value.littleEndian) { for k in 0..<8 { fixed[bytes.count - 8 + k] = $0[k] } }
        return fixed
    }
}
