import ArgumentParser

/// `nmt bench`: the speed of the toolkit on the TF peer's synthetic inputs, one JSON line with the
/// peer's keys (`shared/peers/tf_seq2seq.py`), so that the two can be run alternately and compared.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time decoding on synthetic sources, as the TensorFlow peer does.",
        subcommands: [BenchTranslate.self])
}
