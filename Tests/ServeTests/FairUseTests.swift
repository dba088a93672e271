import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LibreTranslate
import ModelFiles
import Serve
import Testing
import TestSupport
import Translation

/// What the server does when clients misbehave or it is told to stop: a client that hangs up
/// costs nothing further, one client cannot fill the queue for all (429), and a drain that runs
/// out of time refuses what is still queued (503).
@Suite(.serialized) struct FairUseTests {
    /// Client A sends 40 lines and hangs up at once; its request waits for its batch (3 s), so by
    /// then the server has seen the connection close and drops the lines unread. B's one line is
    /// answered, and it is the only sentence the server has decoded.
    @Test func clientThatHangsUpCostsNothing() async throws {
        let server = try ServerProcess(["--model", ServeTests.model, "--max-wait-ms", "3000"])
        defer { #expect(server.stop() == 0) }
        let lines = (0..<40).map { "Line \($0) of a request nobody reads." }.joined(separator: "\\n")
        let body = "{\"q\": \"\(lines)\", \"source\": \"en\", \"target\": \"fr\"}"
        let request = "POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        try RawConnection.sendAndHangUp(port: server.port, Array(request.utf8))
        try await Task.sleep(for: .milliseconds(300))
        let answer = try await ServeTests.json(server, ["q": "This package provides the library.", "source": "en", "target": "fr"])
        #expect(answer.status == 200, "\(answer.json)")
        let metrics = try await ServeTests.send(server, "/metrics", method: "GET")
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("nmt_sentences_total 1\n"), "\(text)")
        #expect(server.stderr.contains("POST /translate 499"), "\(server.stderr)")
    }

    /// With a queue of 10 lines, one API key may hold 5 waiting: its second request gets 429
    /// with Retry-After while another key's request is still taken.
    @Test func oneClientCannotFillTheQueue() async throws {
        let directory = try TemporaryDirectory()
        let keys = try directory.write("keys", "first\nsecond\n")
        let server = try ServerProcess(["--model", ServeTests.model, "--max-wait-ms", "8000", "--max-queue", "10", "--api-keys", keys])
        defer { #expect(server.stop() == 0) }
        func request(_ lines: Int, key: String) async throws -> ServeTests.Answer {
            let q = (0..<lines).map { "It contains the files number \($0)." }.joined(separator: "\n")
            return try await ServeTests.json(server, ["q": q, "source": "en", "target": "fr", "api_key": key])
        }
        async let waiting = request(4, key: "first")
        try await ServeTests.waitForQueue(server, depth: 4)
        let refused = try await request(2, key: "first")
        #expect(refused.status == 429 && refused.headers["Retry-After"] as? String == "1", "\(refused.status) \(refused.json)")
        let other = try await request(5, key: "second")
        #expect(other.status == 200, "\(other.json)")
        #expect(try await waiting.status == 200)
    }

    /// An engine on the fixture model at beam 5 whose first line waits 3 s for its batch.
    static func engine() throws -> TranslationEngine {
        var options = TranslationOptions()
        options.beam = 5
        options.quiet = true
        let translator = try Translator(directory: try ModelDirectory(path: ServeTests.model), options: options)
        return TranslationEngine(translator: translator, maxBatch: 64, maxWaitMilliseconds: 3000, maxQueue: 100)
    }

    /// `drain(within: 0)`: the lines queued (here waiting for their batch) are refused with 503's
    /// "shutting down", and so is anything asked afterwards.
    @Test func drainThatRunsOutRefusesWhatIsQueued() async throws {
        let engine = try Self.engine()
        defer { engine.stop() }
        var greedy = engine.defaults
        greedy.beam = 1
        async let first = Result { try await engine.translate(["This package provides the library."]) }
        async let second = Result { try await engine.translate(["It contains the files."], settings: greedy) }
        while engine.queueDepth < 1 { try await Task.sleep(for: .milliseconds(10)) }
        engine.drain(within: 0)
        for result in [await first, await second] {
            #expect(throws: ServeError.shuttingDown) { try result.get() }
        }
        await #expect(throws: ServeError.shuttingDown) { try await engine.translate(["Later."]) }
    }

    /// `drain(within: 60)`: what is queued is still translated.
    @Test func drainWithTimeFinishesWhatIsQueued() async throws {
        let engine = try Self.engine()
        defer { engine.stop() }
        async let first = engine.translate(["This package provides the library."])
        while engine.queueDepth < 1 { try await Task.sleep(for: .milliseconds(10)) }
        engine.drain(within: 60)
        #expect(try await first[0][0].text == ServeTests.translate(["This package provides the library."])[0])
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// A TCP client below URLSession, which cannot hang up on purpose.
enum RawConnection {
    /// Connects to 127.0.0.1:`port`, writes `bytes` and closes the socket.
    static func sendAndHangUp(port: Int, _ bytes: [UInt8]) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw POSIXError(.EIO) }
            sent += n
        }
    }
}
