import Foundation
import Testing

/// A review gate for `FloatBuffer.pointer`: the raw pointer outlives nothing. A release build may
/// free the buffer right after its last Swift-level use, which reading `.pointer` can be, so a
/// pointer used after that reads freed (for large buffers, unmapped) memory. Debug builds keep
/// every local alive to the end of its scope, so no debug test can see it happen (commit 520655d:
/// `nmt train --resume` crashed in release only); this test reads the sources instead.
///
/// Every read of `.pointer` under Sources/ must be inside `withExtendedLifetime` or be one of the
/// audited sites below, each with what keeps its buffer alive. A new or changed site fails until
/// someone has checked it and added it here.
@Suite struct RawPointerAuditTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Audited sites: file → trimmed line → what keeps the buffer alive while the pointer is used.
    static let audited: [String: [String: String]] = [
        "Sources/Model/Seq2Seq+Inference.swift": [
            "let buffer = FloatBuffer(count: V * 4 * H), table = Matrix(buffer.pointer, rows: V, columns: 4 * H)":
                "buffer is stored into self.embeddingGates after the GEMMs that write the view (a later use)",
            "z.row(r).update(from: embeddingGates.pointer + id * 4 * H, count: 4 * H)":
                "embeddingGates is a let property of self, which the caller keeps alive for the call",
        ],
        "Sources/Train/GradientClipping.swift": [
            "let g = parameters.gradients.pointer": "parameters is the caller's argument; gradients a let property of it",
        ],
        "Sources/Train/GradientExchange.swift": [
            "for range in ranges[index] { start(Region(base: parameters.gradients.pointer + range.lowerBound, count: range.count)) }":
                "parameters: a let of self; the exchange thread's block holds it (withExtendedLifetime) while it reads",
            "for range in denseRanges[index] { start(Region(base: parameters.gradients.pointer + range.lowerBound, count: range.count)) }":
                "parameters: a let of self; the exchange thread's block holds it (withExtendedLifetime) while it reads",
        ],
        "Sources/Train/SGD.swift": [
            "let w = parameters.values.pointer, g = parameters.gradients.pointer":
                "parameters is the caller's argument; values and gradients let properties of it",
        ],
        "Sources/Train/Adam.swift": [
            "firstMoment.pointer.update(from: m.baseAddress!, count: m.count)": "a property of self (m: the caller's)",
            "secondMoment.pointer.update(from: v.baseAddress!, count: v.count)": "a property of self (v: the caller's)",
            "let w = parameters.values.pointer, g = parameters.gradients.pointer":
                "parameters is the caller's argument; values and gradients let properties of it",
            "let m = firstMoment.pointer, v = secondMoment.pointer": "properties of self, not reassigned during a step",
        ],
        "Sources/ModelFiles/Checkpoint.swift": [
            "try writer.raw(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count * 4))":
                "buffer is an element of self.tensors, and self lives for the call",
            "raw.withUnsafeBytes { UnsafeMutableRawPointer(buffer.pointer).copyMemory(from: $0.baseAddress!, byteCount: count * 4) }":
                "buffer is appended to self.tensors on the next line (a later use)",
        ],
        // On main since this audit began (read there, not yet on this branch):
        "Sources/ModelFiles/CheckpointAverage.swift": [
            "let x = values.pointer": "values is the caller's argument, alive for the call",
            "for k in 0..<sum.count { result.pointer[k] = Float(sum[k] / n) }": "result is returned after the loop (a later use)",
        ],
        "Sources/Train/ExponentialMovingAverage.swift": [
            "average.pointer.update(from: values.pointer, count: values.count)": "average: self's let; values: the caller's argument",
            "let smoothed = average.pointer, theta = parameters.values.pointer": "self's let and the argument's let",
            "let a = average.pointer, b = parameters.values.pointer": "self's let and the argument's let",
            "parameters.values.pointer.update(from: (training ?? saved).pointer, count: count)":
                "both buffers are in the tensors of the checkpoint argument, which the caller keeps alive for the call",
        ],
        "Sources/Tensor/ParameterStore.swift": [
            "Matrix(values.pointer + view.offset, rows: view.rows, columns: view.columns)":
                "a view into the store's own let buffer: whoever holds the view holds the store (layers get it as an argument)",
            "Matrix(gradients.pointer + view.offset, rows: view.rows, columns: view.columns)":
                "a view into the store's own let buffer: whoever holds the view holds the store (layers get it as an argument)",
            "let p = values.pointer + view.offset": "a let property of self",
            "return Matrix(gradients.pointer + view.offset, rows: view.rows, columns: view.columns)":
                "a view into the store's own let buffer: whoever holds the view holds the store (layers get it as an argument)",
            "let start = Int(bitPattern: values.pointer + view.offset + rows.lowerBound * view.columns)": "a let property of self, for the call",
            "let end = Int(bitPattern: values.pointer + view.offset + rows.upperBound * view.columns)": "a let property of self, for the call",
        ],
        "Sources/ModelFiles/Checkpoint+Streamed.swift": [
            "guard file.consume(n * 4, end: end, into: UnsafeMutableRawPointer(buffer.pointer)) else { return nil }":
                "buffer is appended to checkpoint.tensors on the next line (a later use)",
        ],
        "Sources/Tensor/Workspace.swift": [
            "let m = Matrix(blocks[blocks.count - 1].pointer + used, rows: rows, columns: columns)":
                "the block stays in self.blocks until reset(); views are valid until then, as documented",
        ],
    ]

    /// The `.pointer` reads of `text` (not `.pointee`, not comments) that are neither inside
    /// `withExtendedLifetime` (on the line or in the three before it) nor audited.
    static func unauditedReads(in text: String, file: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: [String] = []
        for (i, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("//"), readsPointer(trimmed) else { continue }
            if lines[max(0, i - 3)...i].contains(where: { $0.contains("withExtendedLifetime(") }) { continue }
            if audited[file]?[trimmed] != nil { continue }
            found.append("\(file):\(i + 1): \(trimmed)")
        }
        return found
    }

    static func readsPointer(_ line: String) -> Bool {
        var rest = line[...]
        while let range = rest.range(of: ".pointer") {
            let next = rest[range.upperBound...].first
            if next == nil || !(next!.isLetter || next!.isNumber || next == "_") { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    @Test func everyRawPointerReadIsAudited() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.count > 50, "found only \(files.count) Swift files under \(sources.path)")
        var unaudited: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            unaudited += Self.unauditedReads(in: text, file: "Sources/" + file)
        }
        #expect(unaudited.isEmpty, """
            FloatBuffer.pointer read where nothing visible keeps the buffer alive: wrap the use in \
            withExtendedLifetime(owner) { … }, or add the line to RawPointerAuditTests.audited with what keeps \
            it alive. \(unaudited.joined(separator: "; "))
            """)
    }

    /// The commit 520655d fixed: a buffer from a checkpoint, copied after its last use.
    @Test func flagsTheResumeCrashOf520655d() {
        let old = """
                let saved = try TrainingState(checkpoint: checkpoint, bucketSizes: sizes, path: last)
                parameters.values.pointer.update(from: checkpoint.tensor("parameters")!.pointer, count: layout.count)
            """
        let fixed = """
                let values = checkpoint.tensor("parameters")!
                withExtendedLifetime(values) { parameters.values.pointer.update(from: values.pointer, count: layout.count) }
            """
        #expect(Self.unauditedReads(in: old, file: "Sources/Train/Trainer.swift").count == 1)
        #expect(Self.unauditedReads(in: fixed, file: "Sources/Train/Trainer.swift").isEmpty)
        #expect(Self.unauditedReads(in: "// `.pointer` is read\nlet q = x.pointee", file: "Sources/X.swift").isEmpty)
    }
}
