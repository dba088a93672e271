import ArgumentParser
import IO
import Text

/// `nmt bpe`: byte pair encoding (Sennrich et al. 2016) in subword-nmt's formats.
struct BPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bpe",
        abstract: "Learn or apply byte pair encoding (subword-nmt compatible).",
        subcommands: [Learn.self, Apply.self])

    struct Learn: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn BPE merges from tokenized text.",
            discussion: """
                Gives the same codes as `subword-nmt learn-bpe -s N` on the concatenation of the \
                input files (one joint code file when given both sides of a corpus). The file \
                starts with '#version: 0.2', then one merge 'left right' a line.
                """)

        @Option(name: .long, parsing: .unconditional,
                help: "Number of merge operations to learn, \(OptionBounds.text(OptionBounds.merges)).")
        var merges: Int

        @Option(name: .long, parsing: .upToNextOption, help: "Tokenized text files.")
        var input: [String]

        @Option(name: .long, help: "The codes file to write.")
        var output: String

        @Option(name: .customLong("min-frequency"), parsing: .unconditional,
                help: "Stop when no pair is seen this often, \(OptionBounds.text(OptionBounds.count)).")
        var minFrequency: Int = 2

        @OptionGroup var common: CommonOptions

        func validate() throws {
            try OptionBounds.check("--merges", merges, in: OptionBounds.merges)
            if input.isEmpty { throw ValidationError("give at least one --input file") }
            try OptionBounds.check("--min-frequency", minFrequency, in: OptionBounds.count)
        }

        func run() throws {
            var files = [LineBuffer]()
            for path in input {
                let lines = try FileSystem.readLines(path)
                for i in 0..<lines.count where !lines.withLine(i, { UTF8Repair.isValid($0) }) {
                    throw FileError.invalidUTF8(path: path, line: i + 1)
                }
                files.append(lines)
            }
            let progress = Progress("bpe learn", total: merges, unit: "merges", quiet: common.quiet)
            let codes = BPELearner.learn(from: files, merges: merges, minFrequency: minFrequency,
                                         progress: { progress.update($0) })
            progress.finish(codes.merges.count)
            try writeOutput(codes.fileContents(), to: output)
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Segment tokenized text with BPE codes (standard input to standard output).",
            discussion: """
                Gives the same output as `subword-nmt apply-bpe -c CODES`: pieces of a word but \
                the last end in '@@'. Invalid UTF-8 bytes are replaced and reported once.
                """)

        @Option(name: .long, help: "The codes file (subword-nmt format).")
        var codes: String

        @OptionGroup var common: CommonOptions

        func run() throws {
            let bpe = BPE(codes: try BPECodes(contentsOf: codes))
            var stream = LineStream()
            var repairedLines = [Int]()
            let progress = Progress("bpe apply", quiet: common.quiet)
            let mapper = LineMapper(threads: common.threads) { BPE.Cache() }
            while let block = try stream.next() {
                let first = stream.linesRead - block.count
                let (lines, repaired) = repairUTF8(block)
                repairedLines += repaired.map { first + $0 + 1 }
                let output = mapper.map(lines) { _, line, cache, out in bpe.apply(line, cache: &cache, into: &out) }
                try OutputFile.standardOutput.write(output.fileContents())
                progress.update(stream.linesRead)
            }
            if !repairedLines.isEmpty {
                FileSystem.printError("nmt: warning: <stdin>: invalid UTF-8 replaced by U+FFFD on line\(repairedLines.count > 1 ? "s" : "") \(lineList(repairedLines))")
            }
        }
    }
}
