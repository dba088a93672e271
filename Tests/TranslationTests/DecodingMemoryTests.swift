import Foundation
import IO
import Model
import ModelFiles
import Tensor
import TestSupport
import Testing
import Translation

/// What decoding holds: a loaded model has no gradients and its values are the checkpoint's;
/// the int8 weights are counted as oneDNN's matrices are made; a translation's peak resident
/// size (measured by /usr/bin/time in a subprocess) stays under `DecodingMemory.bytes`.
@Suite struct DecodingMemoryTests {
    @Test func aLoadedModelHasNoGradientsAndTheCheckpointsValues() throws {
        let model = try TestModel()
        let (_, parameters, _) = try model.directory.load(.best)
        #expect(!parameters.hasGradients && parameters.gradients.count == 0)
        let written = try #require(try Checkpoint(contentsOf: model.directory.checkpointPath(.best)).tensor("parameters"))
        #expect(Array(UnsafeBufferPointer(start: parameters.values.pointer, count: parameters.count))
                == Array(UnsafeBufferPointer(start: written.pointer, count: written.count)))
    }

    /// A translator that loaded its model for int8 gave its replaced fp32 weights back: one
    /// sharing it must decode in int8 too.
    @Test func aModelLoadedForInt8IsSharedOnlyInInt8() throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        let model = try TestModel()
        var options = TranslationOptions()
        options.precision = .int8
        let base = try Translator(directory: model.directory, options: options)
        var fp32 = options
        fp32.precision = .fp32
        #expect(throws: TranslationError.float32Released(asked: "fp32")) { try Translator(sharing: base, options: fp32) }
        options.beam = 2
        let shared = try Translator(sharing: base, options: options)
        #expect(shared.options.beam == 2)
    }

    /// `Int8Decoder.bytes` from the shapes alone against the matrices `init` makes (K·N int8
    /// values, N scales and N sums each), with and without the embedding gates' table, and for
    /// concat attention (its W_a[0..<H]).
    @Test(arguments: [(LuongAttention.Score.general, 1 << 24), (.general, 0), (.concat, 1 << 24)])
    func int8BytesCountTheQuantizedMatrices(score: LuongAttention.Score, limit: Int) throws {
        try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products")
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: Seq2SeqConfiguration(sourceVocabularySize: 40, targetVocabularySize: 50, embedding: 12,
                                                                hidden: 16, layers: 2, score: score, inputFeeding: true, dropout: 0),
                            layout: &layout)
        let store = ParameterStore(decoding: layout, values: FloatBuffer(count: layout.count))
        store.initializeUniform(scale: 0.1, seed: 3)
        let weights = try #require(Int8Decoder(model: model, parameters: store, embeddingGateLimit: limit))
        let matrices = weights.layers + [weights.combine, weights.output] + (weights.queryProjection.map { [$0] } ?? [])
        #expect((score == .concat) == (weights.queryProjection != nil))
        let made = matrices.reduce(0.0) { $0 + Double($1.rows * $1.columns + 8 * $1.columns) }
        #expect(Int8Decoder.bytes(model: model, embeddingGateLimit: limit) == made)
        let widest = matrices.map(\.rows).max()!, longest = matrices.map(\.columns).max()!
        #expect(Int8Decoder.scratchBytes(model: model, rows: 7, embeddingGateLimit: limit) == Double(7 * (widest + 4 * longest + 8)))
    }

    /// The kilobytes /usr/bin/time reports as `nmt translate`'s maximum resident set size.
    func peakKilobytes(_ arguments: [String], stdin: String) throws -> Int {
        let scratch = try TemporaryDirectory()
        let input = scratch.path("in"), report = scratch.path("rss")
        try OutputFile.write(Array(stdin.utf8), to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", report, NmtProcess.executable] + arguments
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "nmt \(arguments.joined(separator: " ")) failed")
        let text = String(decoding: try FileSystem.readBytes(report), as: UTF8.self)
        return try #require(Int(text.split(separator: "\n").last.map(String.init) ?? ""), "\(text)")
    }

    @Test(arguments: [Precision.fp32, .int8])
    func peakResidentSizeStaysUnderTheBound(precision: Precision) throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "no /usr/bin/time")
        if precision == .int8 { try #require(ReducedPrecisionCPU.current.int8, "this CPU has no int8 products") }
        let model = try TestModel(layers: 2, beam: 4)
        let lines = String(repeating: "the cat sat on a mat . a dog sat on the cat , the mat .\n", count: 200)
        let kilobytes = try peakKilobytes(["translate", "--model", model.path, "--precision", precision.rawValue, "--quiet"], stdin: lines)
        let recipe = model.directory.recipe
        let bound = DecodingMemory.bytes(configuration: model.directory.configuration, precision: precision, beam: 4,
                                         batchSize: TranslationOptions().batchSize,
                                         maximumSourceLength: recipe.data.buckets.map { $0[0] }.max()!,
                                         maxLengthRatio: recipe.decode.maxLengthRatio, alignments: false)
        #expect(Double(kilobytes) * 1024 <= bound, "peak \(kilobytes) kB, bound \(Int(bound) / 1024) kB")
    }
}
