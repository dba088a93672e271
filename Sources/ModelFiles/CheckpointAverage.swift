#if canImport(Glibc)
import Glibc
#endif
import IO
import Model
import Tensor

/// `nmt average`: the element-wise mean of the parameters of a model's last N kept checkpoints
/// (`train.keep_checkpoints`), as OpenNMT-py's `average_models.py`, Marian's `average.py` and
/// tensor2tensor's `avg_checkpoints.py` compute it.
///
/// The sums are taken in Double and divided once, so the mean of N copies of one checkpoint is
/// that checkpoint bit for bit (N·x is exact in Double for a Float x and N ≤ 2^29, and so is
/// (N·x)/N; the sums start from the first checkpoint, not from +0, so −0 stays −0), and the
/// order of the files changes nothing beyond Double's rounding. One checkpoint is read at a time.
public enum CheckpointAverage {
    /// The last `count` kept checkpoints of `directory`, oldest first.
    /// - Throws: `CheckpointAverageError.tooFew` when fewer are kept.
    public static func lastKept(_ count: Int, in directory: ModelDirectory) throws -> [String] {
        let kept = KeptCheckpoints.list(in: directory.path)
        guard kept.count >= count else {
            throw CheckpointAverageError.tooFew(directory: directory.path, asked: count, kept: kept.count)
        }
        return kept.suffix(count).map(\.path)
    }

    /// The mean of the checkpoints at `paths`, each verified to belong to `directory`: a
    /// checkpoint with the last one's sections (its recipe, stamps and step), `parameters` the
    /// mean, and the text `averaged` naming the files averaged.
    /// - Throws: the files' `FileError` and `CheckpointError` (corrupt, truncated, of another
    ///   model or shape), each naming its file.
    public static func average(_ paths: [String], directory: ModelDirectory) throws -> Checkpoint {
        precondition(!paths.isEmpty, "averaging needs a checkpoint")
        var layout = ParameterLayout()
        _ = Seq2Seq(configuration: directory.configuration, layout: &layout)
        var sum: [Double] = []
        var newest = Checkpoint()
        for path in paths {
            let checkpoint = try Checkpoint(contentsOf: path)
            try directory.verify(checkpoint, layout: layout, path: path)
            add(checkpoint.tensor("parameters")!, to: &sum)
            newest = checkpoint
        }
        var result = Checkpoint()
        result.texts = newest.texts.filter { $0.name != "averaged" }
            + [("averaged", paths.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: " "))]
        result.integers = newest.integers
        result.tensors = [("parameters", mean(sum, count: paths.count))]
        return result
    }

    /// Where a model's averaged parameters are kept when `--output` replaces its `best.ckpt`:
    /// the `best.ckpt` training wrote, so that it is not lost.
    public static let replacedBestName = "best-before-average.ckpt"

    /// Writes `checkpoint` to `path` atomically. When `path` is `directory`'s `best.ckpt` (what
    /// `nmt translate --model` reads), the `best.ckpt` training wrote is first copied to
    /// `best-before-average.ckpt` (an earlier average there is not copied over it).
    /// - Returns: the path of the copy made, if any.
    /// - Throws: `CheckpointAverageError.replacesTrainingFile` for `last.ckpt` (training resumes
    ///   from it) or a kept checkpoint (later averages read them); the files' errors.
    @discardableResult
    public static func write(_ checkpoint: Checkpoint, to path: String, directory: ModelDirectory) throws -> String? {
        var replaced: String? = nil
        if let target = resolved(path), resolved(directory.path) == parent(of: target) {
            let name = String(target.split(separator: "/").last ?? "")
            if name == "last.ckpt" {
                throw CheckpointAverageError.replacesTrainingFile(path: path, reason: "training resumes from last.ckpt")
            }
            if KeptCheckpoints.step(ofFileName: name) != nil {
                throw CheckpointAverageError.replacesTrainingFile(path: path, reason: "it is a kept checkpoint that later averages read")
            }
            let best = directory.checkpointPath(.best)
            if name == "best.ckpt", FileSystem.exists(best), try Checkpoint(contentsOf: best).text("averaged") == nil {
                replaced = directory.path + "/" + replacedBestName
                try OutputFile.write(try FileSystem.readBytes(best), to: replaced!)
            }
        }
        try checkpoint.write(to: path)
        return replaced
    }

    /// `path` with links and `.`/`..` resolved: the file's own when it exists, else its
    /// directory's followed by its name; nil when neither exists.
    static func resolved(_ path: String) -> String? {
        func real(_ p: String) -> String? {
            guard let r = realpath(p, nil) else { return nil }
            defer { free(r) }
            return String(cString: r)
        }
        if let whole = real(path) { return whole }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return real(parent(of: path)).map { ($0 == "/" ? "" : $0) + "/" + name }
    }

    /// The directory part of a path ("." for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// sum += values, in Double; an empty sum becomes `values`.
    /// - Complexity: one pass over `values`; allocates only the first time.
    static func add(_ values: FloatBuffer, to sum: inout [Double]) {
        let x = values.pointer
        if sum.isEmpty {
            sum = (0..<values.count).map { Double(x[$0]) }
            return
        }
        precondition(values.count == sum.count, "checkpoints of one layout")
        sum.withUnsafeMutableBufferPointer { s in
            for k in 0..<s.count { s[k] += Double(x[k]) }
        }
    }

    /// sum / count, rounded once to Float.
    static func mean(_ sum: [Double], count: Int) -> FloatBuffer {
        let result = FloatBuffer(uninitializedCount: sum.count)
        let n = Double(count)
        for k in 0..<sum.count { result.pointer[k] = Float(sum[k] / n) }
        return result
    }

    /// The element-wise mean of equally long buffers (the arithmetic of `average`, for tests).
    public static func mean(of buffers: [FloatBuffer]) -> FloatBuffer {
        precondition(!buffers.isEmpty, "a mean needs a buffer")
        var sum: [Double] = []
        for buffer in buffers { add(buffer, to: &sum) }
        return mean(sum, count: buffers.count)
    }
}

/// Why `nmt average` cannot average.
public enum CheckpointAverageError: UserError, Equatable {
    case tooFew(directory: String, asked: Int, kept: Int)
    /// `--output` would replace a file training needs (`last.ckpt`, a kept checkpoint).
    case replacesTrainingFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .tooFew(let directory, let asked, let kept):
            return "\(directory): --last \(asked) asks for \(asked) checkpoints, but \(kept == 0 ? "none is" : kept == 1 ? "only 1 is" : "only \(kept) are") kept"
                + " (step-N.ckpt; set train.keep_checkpoints to at least \(asked) and train)"
        case .replacesTrainingFile(let path, let reason): return "\(path): --output must not replace it: \(reason)"
        }
    }
}
