import ArgumentParser
import IO
import ModelFiles

/// `nmt average`: the mean of a model's last N kept checkpoints, as a checkpoint.
struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the parameters of a model's last N saved checkpoints.",
        discussion: """
            Averages the parameters of the newest N checkpoints step-N.ckpt that training kept in \
            the model directory (the recipe's train.keep_checkpoints), element by element, as \
            OpenNMT-py's average_models.py and Marian's average.py do, and writes them as a \
            checkpoint. To translate with it, write it as the model's best.ckpt (--output \
            DIR/best.ckpt), which nmt translate reads by default; the best.ckpt training wrote is \
            then kept as DIR/best-before-average.ckpt. --output cannot be last.ckpt or a kept \
            checkpoint.
            """)

    @Option(name: .long, help: ArgumentHelp("The model directory nmt train wrote.", valueName: "dir"))
    var model: String

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("How many of the newest kept checkpoints to average, \(OptionBounds.text(OptionBounds.averageLast)).",
                               valueName: "n"))
    var last: Int

    @Option(name: .long, help: ArgumentHelp("The checkpoint file to write (DIR/best.ckpt: translate uses it).", valueName: "file"))
    var output: String

    @Flag(name: .long, help: "Print nothing on standard error.")
    var quiet = false

    func validate() throws {
        try OptionBounds.check("--last", last, in: OptionBounds.averageLast)
    }

    func run() throws {
        let directory = try ModelDirectory(path: model)
        let paths = try CheckpointAverage.lastKept(last, in: directory)
        let checkpoint = try CheckpointAverage.average(paths, directory: directory)
        let copy = try CheckpointAverage.write(checkpoint, to: output, directory: directory)
        if !quiet {
            let names = checkpoint.text("averaged") ?? ""
            FileSystem.printError("average: wrote \(output), the mean of \(names)"
                                  + (copy.map { "; the previous best.ckpt is \($0)" } ?? ""))
        }
    }
}
