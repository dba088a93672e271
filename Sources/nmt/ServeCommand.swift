import ArgumentParser
import Dispatch
import IO
import ModelFiles
import Serve
import Tensor
import Translation

/// `nmt serve`: the LibreTranslate API over HTTP for a trained model.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a trained model over HTTP with LibreTranslate's API.",
        discussion: """
            POST /translate takes LibreTranslate's request (q a string or an array of strings, \
            source (the model's or auto), target, format text or html, alternatives, api_key) as \
            JSON, a form or query parameters, and answers {"translatedText": …}; GET /languages \
            lists the model's pair; GET /health the model, its step and the queue. POST \
            /v1/translate, the native API, takes {"text": [lines], "beam", "n_best", \
            "length_penalty", "attention"} and answers per line the translation, its score, the \
            N best and the attention weights; GET /metrics is in Prometheus' text format. Errors are \
            {"error": …} with LibreTranslate's statuses (400, 403, 413, 503 with Retry-After). \
            Lines of concurrent requests that arrive within --max-wait-ms are decoded together, \
            up to --max-batch lines; each line's translation is what nmt translate gives for it. \
            Listens on 127.0.0.1 unless --host says otherwise (port 0: a free port); prints \
            'serve: listening on http://HOST:PORT' once it does, and a line per request unless \
            --quiet. SIGTERM or SIGINT: stop accepting, answer the requests in flight, exit 0.
            """)

    @Option(name: .long, help: ArgumentHelp("""
        The model directory (nmt train's output). Given several times, the models decode as an ensemble \
        (the mean of their log-probabilities at each step).
        """, valueName: "dir"))
    var model: [String] = []

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, parsing: .unconditional, help: "The port, \(OptionBounds.text(OptionBounds.port)) (0: a free one).")
    var port = 5000

    @Option(name: .long, parsing: .unconditional,
            help: "Beam size K, \(OptionBounds.text(OptionBounds.beam)) (default: the recipe's decode.beam).")
    var beam: Int?

    @Option(name: .customLong("max-batch"), parsing: .unconditional,
            help: "Lines decoded together at most, \(OptionBounds.text(OptionBounds.translateBatch)).")
    var maxBatch = 64

    @Option(name: .customLong("max-wait-ms"), parsing: .unconditional,
            help: "How long a line waits for others to join its batch, \(OptionBounds.text(OptionBounds.maxWait)) ms.")
    var maxWait = 10

    @Option(name: .customLong("max-request-bytes"), parsing: .unconditional,
            help: "The largest request body, \(OptionBounds.text(OptionBounds.requestBytes)) bytes (larger: 413).")
    var maxRequestBytes = 1 << 20

    @Option(name: .customLong("max-lines"), parsing: .unconditional,
            help: "Lines one request may ask for, \(OptionBounds.text(OptionBounds.requestLines)) (more: 413).")
    var maxLines = 1_000

    @Option(name: .customLong("max-queue"), parsing: .unconditional,
            help: "Lines waiting, all requests together, \(OptionBounds.text(OptionBounds.queue)) (more: 503).")
    var maxQueue = 10_000

    @Option(name: .customLong("api-keys"),
            help: ArgumentHelp("A file of API keys, one a line: requests must carry one as api_key (else 403).", valueName: "file"))
    var apiKeys: String?

    @Option(name: .long, help: Precision.help)
    var precision: Precision = .fp32

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !model.isEmpty else { throw ValidationError("Missing expected argument '--model <dir>'") }
        try OptionBounds.check("--port", port, in: OptionBounds.port)
        try OptionBounds.check("--beam", beam, in: OptionBounds.beam)
        try OptionBounds.check("--max-batch", maxBatch, in: OptionBounds.translateBatch)
        try OptionBounds.check("--max-wait-ms", maxWait, in: OptionBounds.maxWait)
        try OptionBounds.check("--max-request-bytes", maxRequestBytes, in: OptionBounds.requestBytes)
        try OptionBounds.check("--max-lines", maxLines, in: OptionBounds.requestLines)
        try OptionBounds.check("--max-queue", maxQueue, in: OptionBounds.queue)
        _ = try Precision.resolved(precision)
    }

    func run() throws {
        GEMM.threads = common.threads
        var options = ServeOptions()
        options.host = host
        options.port = port
        options.maxBatch = maxBatch
        options.maxWaitMilliseconds = maxWait
        options.maxRequestBytes = maxRequestBytes
        options.maxLines = maxLines
        options.maxQueue = maxQueue
        options.quiet = common.quiet
        if let apiKeys {
            let keys = try FileSystem.readLines(apiKeys).strings.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !keys.isEmpty else { throw ServeSetupError.emptyKeyFile(path: apiKeys) }
            options.apiKeys = Set(keys)
        }
        var translation = TranslationOptions()
        translation.beam = beam
        translation.batchSize = maxBatch
        translation.threads = common.threads
        translation.precision = try Precision.resolved(precision)
        translation.quiet = true
        let directories = try model.map { try ModelDirectory(path: $0) }
        let server = Server(translator: try Translator(directories: directories, options: translation), options: options)
        let host = self.host
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task {
            do {
                try await server.run { port in FileSystem.printError("serve: listening on http://\(host):\(port)") }
            } catch {
                failure = error
            }
            finished.signal()
        }
        finished.wait()
        if let failure { throw failure }
    }
}
