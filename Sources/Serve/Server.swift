import Foundation
import Hummingbird
import IO
import LibreTranslate
import Logging
import NIOCore
import ServiceLifecycle
import Translation

/// `nmt serve`: a trained model behind LibreTranslate's HTTP API (`POST /translate`,
/// `GET /languages`), so that its clients work unchanged, and `GET /health`. Every request's
/// lines go through one `TranslationEngine`, which batches concurrent requests. SIGTERM and
/// SIGINT stop it gracefully: no new connections or requests, what is queued is decoded for up to
/// `ServeOptions.drainSeconds` (later lines get 503), then it exits.
public struct Server: Sendable {
    public let engine: TranslationEngine
    public let options: ServeOptions
    /// What `GET /metrics` reports.
    public let metrics: ServeMetrics
    let source: String
    let target: String
    let modelName: String
    let step: Int
    let beam: Int
    /// The decoder's arithmetic (`--precision`, resolved).
    let precision: String
    let started = Date()

    public init(translator: Translator, options: ServeOptions) {
        let metrics = ServeMetrics()
        self.metrics = metrics
        engine = TranslationEngine(translator: translator, maxBatch: options.maxBatch, maxWaitMilliseconds: options.maxWaitMilliseconds,
                                   maxQueue: options.maxQueue, onBatch: { metrics.batch(lines: $0, outputs: $1) })
        self.options = options
        let recipe = translator.directory.recipe
        source = recipe.data.source
        target = recipe.data.target
        modelName = recipe.name
        step = translator.step
        beam = translator.search.beam
        precision = translator.options.precision.rawValue
    }

    /// Serves until SIGTERM or SIGINT.
    /// - Parameter listening: called with the port once the server listens (the real one for port 0).
    public func run(listening: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router(context: ServeContext.self)
        router.add(middleware: MetricsRecording<ServeContext>(metrics: metrics))
        router.post("translate") { request, context in await self.respond(to: request) { try await self.translate(&$0, context) } }
        router.post("detect") { request, _ in await self.respond(to: request) { try await self.detect(&$0) } }
        router.post("v1/translate") { request, context in
            await self.respond(to: request) { try await self.nativeTranslate(&$0, context) }
        }
        router.get("metrics") { request, _ in self.metricsResponse(request) }
        router.get("languages") { request, _ in await self.respond(to: request) { _ in (self.languages(), 0) } }
        router.get("health") { request, _ in await self.respond(to: request) { _ in (self.health(), 0) } }
        router.get("/") { request, _ in self.webPage(request) }
        let app = Application(router: router, server: .http1(additionalChannelHandlers: [HangUpCloses()]),
                              configuration: .init(address: .hostname(options.host, port: options.port), serverName: "nmt"),
                              onServerRunning: { channel in listening(channel.localAddress?.port ?? options.port) },
                              logger: Self.logger)
        // Shutdown runs in reverse order: the engine starts draining before the server stops
        // taking connections and waits for the requests in flight.
        let group = ServiceGroup(services: [app, DrainOnShutdown(engine: engine, seconds: options.drainSeconds)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: Self.logger)
        try await group.run()
        engine.stop()
    }

    /// Runs `handler`, turns a `ServeError` into LibreTranslate's `{"error": …}` with its status,
    /// and logs one line: method, path, status, sentences, milliseconds.
    private func respond(to request: Request, _ handler: (inout Request) async throws -> (Any, Int)) async -> Response {
        let start = ContinuousClock.now
        var request = request
        var status = 200, sentences = 0
        var body: Any
        var headers = HTTPFields()
        do {
            (body, sentences) = try await handler(&request)
        } catch let error as ServeError {
            status = error.status
            body = ["error": error.description]
            if error.isRetryable { headers[.retryAfter] = "1" }
        } catch {
            status = 500
            body = ["error": "\(error)"]
        }
        headers[.contentType] = "application/json"
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        if !options.quiet {
            let elapsed = start.duration(to: .now)
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            FileSystem.printError("serve: \(request.method) \(request.uri.path) \(status) \(sentences) sentences \(Int(milliseconds.rounded())) ms")
        }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The request's body, refused (413) past `--max-request-bytes` before it is read whole.
    func body(of request: inout Request) async throws -> [UInt8] {
        do {
            return Array(buffer: try await request.collectBody(upTo: options.maxRequestBytes))
        } catch is NIOTooManyBytesError {
            throw ServeError.tooLarge("The request body is larger than \(options.maxRequestBytes) bytes")
        }
    }

    /// 403 unless `key` is one of `--api-keys` (when they are set).
    func check(apiKey key: String?) throws {
        if let keys = options.apiKeys, !keys.contains(key ?? "") { throw ServeError.badAPIKey }
    }

    /// 413 past `--max-lines`.
    func check(lines count: Int) throws {
        guard count <= options.maxLines else {
            throw ServeError.tooLarge("The request has \(count) lines to translate; at most \(options.maxLines)")
        }
    }

    /// Who sends `request`: the fair-use limit counts by API key, else by address; the client
    /// is gone once its connection has closed.
    func client(apiKey: String?, _ context: ServeContext) -> TranslationEngine.Client {
        let channel = context.channel
        let name = apiKey.map { "key " + $0 } ?? "address " + (channel.remoteAddress?.ipAddress ?? "")
        return TranslationEngine.Client(name: name, isGone: { !channel.isActive })
    }

    /// The fields of a LibreTranslate request (body, then query string), its API key checked.
    private func fields(of request: inout Request) async throws -> [String: Any] {
        let body = try await body(of: &request)
        // As a form decodes it: `+` is a space (Python's requests sends `params` so).
        var query = [String: String]()
        for (key, value) in LibreTranslateRequest.formFields(request.uri.query ?? "") where query[key] == nil { query[key] = value }
        let fields = try LibreTranslateRequest.fields(body: body, contentType: request.headers[.contentType], query: query)
        try check(apiKey: try? LibreTranslateRequest.optionalString(fields, "api_key"))
        return fields
    }

    /// `POST /detect`: the model reads one language, so that is what any text is taken for.
    private func detect(_ request: inout Request) async throws -> (Any, Int) {
        let fields = try await fields(of: &request)
        _ = try LibreTranslateRequest.string(fields, "q")
        return ([["language": source, "confidence": 100.0]], 0)
    }

    /// `POST /translate`: LibreTranslate's request and answer.
    private func translate(_ request: inout Request, _ context: ServeContext) async throws -> (Any, Int) {
        let fields = try await fields(of: &request)
        let parsed = try LibreTranslateRequest(fields: fields)
        guard parsed.source == source || parsed.source == "auto", parsed.target == target else {
            throw ServeError.badRequest("\(parsed.source)→\(parsed.target) is not supported: this model translates \(source)→\(target)")
        }

        // The units to decode: each line of each text (with html, each run of text between tags).
        var units = [String]()
        var plans = [[[Piece]]]()                 // per text, per line, its pieces
        for text in parsed.texts {
            var lines = [[Piece]]()
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if parsed.html {
                    lines.append(HTMLText.parts(String(line)).map { part in
                        switch part {
                        case .markup(let markup): return .kept(markup)
                        case .text(let run): return Piece.text(run, into: &units)
                        }
                    })
                } else {
                    lines.append([Piece.text(String(line), into: &units)])
                }
            }
            plans.append(lines)
        }
        try check(lines: units.count)
        // Only requests for alternatives pay for detokenizing the N best.
        var settings = engine.defaults
        if parsed.alternatives > 0 { settings.nBest = settings.beam }
        let outputs = try await engine.translate(units, settings: settings,
                                                 client: client(apiKey: try? LibreTranslateRequest.optionalString(fields, "api_key"), context))
        let available = outputs.map { $0.count - 1 }.min() ?? 0
        let alternatives = min(parsed.alternatives, max(0, available))
        func assemble(_ k: Int) -> [String] {
            plans.map { lines in
                lines.map { pieces in pieces.map { $0.text(outputs, choice: k) }.joined() }.joined(separator: "\n")
            }
        }
        let best = assemble(0)
        let others = (0..<alternatives).map { assemble($0 + 1) }
        var answer: [String: Any] = [:]
        answer["translatedText"] = parsed.isArray ? best : best[0]
        if parsed.alternatives > 0 {
            let perText = best.indices.map { i in others.map { $0[i] } }
            answer["alternatives"] = parsed.isArray ? perText : perText[0]
        }
        if parsed.source == "auto" {
            let detected: [String: Any] = ["language": source, "confidence": 100.0]
            answer["detectedLanguage"] = parsed.isArray ? Array(repeating: detected, count: best.count) : detected
        }
        return (answer, units.count)
    }

    /// A piece of an answer: markup or white space kept, or the translation of unit `index`.
    enum Piece {
        case kept(String)
        case translated(index: Int, leading: String, trailing: String)

        /// The piece for a run of text: its surrounding white space kept, the rest a unit.
        static func text(_ run: String, into units: inout [String]) -> Piece {
            let scalars = Array(run.unicodeScalars)
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return .kept(run) }
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[first...last])
            units.append(String(view))
            func string(_ slice: ArraySlice<Unicode.Scalar>) -> String { var v = String.UnicodeScalarView(); v.append(contentsOf: slice); return String(v) }
            return .translated(index: units.count - 1, leading: string(scalars[..<first]), trailing: string(scalars[(last + 1)...]))
        }

        func text(_ outputs: [[Translator.Output]], choice k: Int) -> String {
            switch self {
            case .kept(let text): return text
            case .translated(let index, let leading, let trailing):
                let options = outputs[index]
                return leading + (k < options.count ? options[k].text : options[0].text) + trailing
            }
        }
    }

    /// `GET /languages`: the model's pair, as LibreTranslate lists languages.
    private func languages() -> Any {
        [["code": source, "name": Self.name(of: source), "targets": [target]],
         ["code": target, "name": Self.name(of: target), "targets": [String]()]]
    }

    /// `GET /health`.
    private func health() -> Any {
        ["status": "ok", "model": modelName, "step": step, "precision": precision, "beam": beam,
         "source": source, "target": target, "queue_depth": engine.queueDepth,
         "uptime_seconds": (Date().timeIntervalSince(started) * 10).rounded() / 10] as [String: Any]
    }

    /// Hummingbird's own messages: warnings and errors only (we log one line per request).
    static var logger: Logger {
        var logger = Logger(label: "nmt")
        logger.logLevel = .warning
        return logger
    }

    static func name(of code: String) -> String {
        Locale(identifier: "en").localizedString(forLanguageCode: code) ?? code
    }
}
