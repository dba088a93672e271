import ArgumentParser
import IO

/// Flags shared by the commands that do long work.
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Print no progress on standard error.")
    var quiet = false

    @Option(name: .long, parsing: .unconditional,
            help: "Worker threads, at least 1; more than the cores are capped at the cores (default: all cores).",
            transform: { text in
                guard let n = Int(text) else { throw ValidationError("--threads takes a whole number, not '\(text)'") }
                return min(n, ParallelLines.defaultThreads)
            })
    var threads: Int = ParallelLines.defaultThreads

    func validate() throws {
        try OptionBounds.check("--threads", threads, in: OptionBounds.threads)
    }
}

/// Writes a whole output through `OutputFile` (a file replaced atomically, a device or FIFO in
/// place, a symlink's target), or to standard output when the path is `-`.
func writeOutput(_ bytes: [UInt8], to path: String) throws {
    if path == "-" {
        try OutputFile.standardOutput.write(bytes)
    } else {
        try OutputFile.write(bytes, to: path)
    }
}

/// "3, 17, 20 (and 4 more)" for a warning that names lines.
func lineList(_ lines: [Int], limit: Int = 20) -> String {
    let shown = lines.prefix(limit).map(String.init).joined(separator: ", ")
    return lines.count > limit ? "\(shown) (and \(lines.count - limit) more)" : shown
}
