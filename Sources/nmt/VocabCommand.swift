import ArgumentParser
import IO
import Text

/// `nmt vocab`: a frequency-sorted vocabulary of tokenized text.
struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract: "Build a vocabulary from tokenized text.",
        discussion: """
            Writes one token a line, most frequent first (ties in byte order), after the four \
            specials <pad> <go> <eos> <unk> (ids 0-3). --size counts the specials.
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Tokenized text files (tokens separated by spaces).")
    var input: [String]

    @Option(name: .long, help: "The vocabulary file to write.")
    var output: String

    @Option(name: .long, parsing: .unconditional,
            help: "The most entries, specials included, \(OptionBounds.text(OptionBounds.vocabulary)) (default: every token).")
    var size: Int?

    @Option(name: .customLong("min-count"), parsing: .unconditional,
            help: "Leave out tokens seen fewer times, \(OptionBounds.text(OptionBounds.count)).")
    var minCount: Int = 1

    func validate() throws {
        if input.isEmpty { throw ValidationError("give at least one --input file") }
        try OptionBounds.check("--size", size, in: OptionBounds.vocabulary)
        try OptionBounds.check("--min-count", minCount, in: OptionBounds.count)
    }

    func run() throws {
        var counts = TokenCounts()
        for path in input {
            let lines = try FileSystem.readLines(path)
            for i in 0..<lines.count where !lines.withLine(i, { UTF8Repair.isValid($0) }) {
                throw FileError.invalidUTF8(path: path, line: i + 1)
            }
            counts.add(lines)
        }
        let vocabulary = Vocabulary(counts: counts, size: size, minCount: minCount)
        try writeOutput(vocabulary.fileContents(), to: output)
    }
}
