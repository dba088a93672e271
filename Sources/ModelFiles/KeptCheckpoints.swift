import IO

/// The evaluation checkpoints that `train.keep_checkpoints: N` keeps in a model directory for
/// `nmt average`: `step-000123.ckpt` (the step, at least six digits), the newest N of them.
///
/// Each holds what translation needs and no more: the recipe, the stamps that tie it to the
/// directory, the step and `parameters` (θ̄ under `train.average: ema`, as `best.ckpt`), a third
/// of `last.ckpt` under Adam. Only names this type writes are ever listed or removed.
public enum KeptCheckpoints {
    /// `step-000123.ckpt`.
    public static func fileName(step: Int) -> String {
        let digits = String(step)
        return "step-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".ckpt"
    }

    /// The step of a kept checkpoint's file name; nil for any other name (`step-1.ckpt` too,
    /// which this type never writes).
    public static func step(ofFileName name: String) -> Int? {
        guard name.hasPrefix("step-"), name.hasSuffix(".ckpt") else { return nil }
        let digits = name.dropFirst(5).dropLast(5)
        guard digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let step = Int(digits),
              fileName(step: step) == name else { return nil }
        return step
    }

    /// The kept checkpoints in `directory`, oldest first.
    public static func list(in directory: String) -> [(step: Int, path: String)] {
        FileSystem.entries(in: directory)
            .compactMap { name in step(ofFileName: name).map { (step: $0, path: directory + "/" + name) } }
            .sorted { $0.step < $1.step }
    }

    /// Removes all but the newest `count` kept checkpoints.
    public static func prune(in directory: String, keeping count: Int) {
        for old in list(in: directory).dropLast(count) { FileSystem.removeIfPresent(old.path) }
    }

    /// Removes the kept checkpoints of steps after `step`: a new run (step 0) starts without any
    /// (else pruning by step would remove its own first ones), and a resumed run drops those a
    /// killed run wrote after its `last.ckpt`.
    public static func remove(in directory: String, after step: Int) {
        for later in list(in: directory) where later.step > step { FileSystem.removeIfPresent(later.path) }
    }

    /// The names of kept checkpoints in `directory`, and of those whose write left only a
    /// temporary (`step-000123.ckpt.tmp-PID`), for `ModelDirectory.removeStaleTemporaries`.
    public static func names(in directory: String) -> [String] {
        FileSystem.entries(in: directory).compactMap { entry in
            let name = entry.range(of: ".tmp-").map { String(entry[..<$0.lowerBound]) } ?? entry
            return step(ofFileName: name) == nil ? nil : name
        }
    }
}
