import ArgumentParser

/// The root command: a neural machine translation toolkit.
struct Nmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt",
        abstract: "Neural machine translation: prepare a parallel corpus, train, translate, score.",
        subcommands: [TokenizeCommand.self, BPECommand.self, VocabCommand.self, PrepareCommand.self,
                      TrainCommand.self, AverageCommand.self, TranslateCommand.self, ServeCommand.self, ScoreCommand.self, BenchCommand.self])
}
