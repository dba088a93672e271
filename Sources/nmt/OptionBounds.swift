import IO
import ModelFiles

/// A number option outside its documented range: one line naming it (`--beam must be in
/// 1...256, not 100000`). Thrown from `validate()`, before any work.
struct OptionRangeError: UserError {
    let option: String
    let range: String
    let value: String

    var description: String { "\(option) must be in \(range), not \(value)" }
}

/// The ranges of the number options, each written once here, in its option's help and checked
/// by `validate()`. Where an option sets what a recipe key sets, it takes the key's range
/// (`RecipeKey.all`), so the two never disagree. Number options parse `.unconditional`, so that
/// `--beam -1` reaches the range check instead of being taken for an option.
enum OptionBounds {
    static let beam = RecipeKey.integers("decode.beam")
    static let lengthPenalty = RecipeKey.numbers("decode.length_penalty")
    static let maxLengthRatio = RecipeKey.numbers("decode.max_length_ratio")
    /// Sentences decoded together: a batch of K·B rows; 4,096 as for training, and the memory
    /// it needs is checked against the machine before decoding.
    static let translateBatch = 1...4_096
    /// `--sample --temperature`: 0 is greedy; above 100 the draws are all but uniform.
    static let temperature = NumberRange(0, 100)
    /// SVG maps written; each is a file.
    static let attentionLimit = 0...100_000
    static let maxSteps = RecipeKey.integers("train.max_steps")
    static let maxMinutes = RecipeKey.numbers("train.max_minutes")
    static let seed = RecipeKey.integers("train.seed")
    /// `nmt average --last`: at most the checkpoints training may keep.
    static let averageLast = 1...RecipeKey.keptCheckpointsLimit
    static let merges = RecipeKey.integers("data.bpe_merges")
    static let count = 1...1_000_000_000
    static let vocabulary = 4...RecipeKey.vocabularyLimit
    static let maxLength = RecipeKey.integers("data.max_length")
    /// A training pair whose longer side has more than 1,000 times the tokens of the shorter
    /// one is never a translation.
    static let lengthRatio = NumberRange(1, 1_000)
    /// Pairs held out for dev or test.
    static let split = 0...100_000_000
    static let width = 0...100
    /// `nmt bench`: timed steps and synthetic sentences.
    static let benchSteps = 1...1_000_000
    static let benchSentences = 1...1_000_000
    static let benchNumSampled = 1...31_999
    /// Threads above the cores only cost memory (a tokenizer workspace each): they are capped
    /// at the cores, `ParallelLines.defaultThreads`.
    static let threads = 1...1_000_000
    /// `nmt serve`.
    static let port = 0...65_535
    static let maxWait = 0...60_000
    static let requestBytes = 1...(1 << 30)
    static let requestLines = 1...1_000_000
    static let queue = 1...10_000_000

    static func check(_ option: String, _ value: Int?, in range: ClosedRange<Int>) throws {
        guard let value, !range.contains(value) else { return }
        throw OptionRangeError(option: option, range: "\(range.lowerBound)...\(range.upperBound)", value: "\(value)")
    }

    static func check(_ option: String, _ value: Double?, in range: NumberRange) throws {
        guard let value, !range.contains(value) else { return }
        throw OptionRangeError(option: option, range: range.description, value: "\(value)")
    }

    /// "1...256" for a help text.
    static func text(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)...\(range.upperBound)" }
}
