import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// Headless Chromium with one page, driven over the Chrome DevTools Protocol: started with
/// `--remote-debugging-port=0` on a fresh profile, it writes the port it took into the profile's
/// `DevToolsActivePort`; `/json/list` on that port names the page's WebSocket, and every command
/// (`{"id", "method", "params"}`) waits at most its timeout for the answer with its id.
final class Chromium: @unchecked Sendable {
    /// The first of Debian's `chromium` (and its other names) on PATH, if any.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    let process = Process()
    private let profile: TemporaryDirectory
    private var socket: URLSessionWebSocketTask?
    private var nextID = 0

    /// Starts Chromium on `url` and attaches to that page.
    /// - Throws: `ChromiumError` when it does not start or answer within `timeout`.
    init(opening url: URL, timeout: Duration = .seconds(30)) async throws {
        guard let executable = Self.executable else { throw ChromiumError.failed("no chromium binary on PATH") }
        profile = try TemporaryDirectory()
        process.executableURL = URL(fileURLWithPath: executable)
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                             "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile.path("profile"))",
                             url.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: profile.path("stderr"), contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: profile.path("stderr")))
        try process.run()

        let deadline = ContinuousClock.now + timeout
        var port: Int?
        while port == nil {
            if let text = try? String(contentsOfFile: profile.path("profile/DevToolsActivePort"), encoding: .utf8),
               let line = text.split(separator: "\n").first, let number = Int(line) {
                port = number
            } else {
                try check(deadline, "to write DevToolsActivePort")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        var page: URL?
        while page == nil {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port!)/json/list")!)
            request.timeoutInterval = 5
            if let (data, _) = try? await URLSession.shared.data(for: request),
               let targets = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]],
               let target = targets.first(where: { $0["type"] as? String == "page" }),
               let address = target["webSocketDebuggerUrl"] as? String {
                page = URL(string: address)
            } else {
                try check(deadline, "to list its page")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let socket = URLSession.shared.webSocketTask(with: page!)
        socket.maximumMessageSize = 64 << 20
        socket.resume()
        self.socket = socket
    }

    deinit { stop() }

    private func check(_ deadline: ContinuousClock.Instant, _ what: String) throws {
        guard process.isRunning else { throw ChromiumError.failed("chromium exited (\(process.terminationStatus)) before \(what): \(log)") }
        guard ContinuousClock.now < deadline else { throw ChromiumError.timedOut("waiting for chromium \(what): \(log)") }
    }

    /// The end of Chromium's standard error, for failure messages.
    var log: String { String(((try? String(contentsOfFile: profile.path("stderr"), encoding: .utf8)) ?? "").suffix(2000)) }

    /// Sends one command and returns its `result`.
    /// - Throws: `ChromiumError` on an `error` answer, a closed socket, or no answer within `timeout`.
    @discardableResult
    func send(_ method: String, _ parameters: [String: Any] = [:], timeout: Duration = .seconds(15)) async throws -> [String: Any] {
        guard let socket else { throw ChromiumError.failed("not attached") }
        nextID += 1
        let id = nextID
        let message = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": parameters])
        try await socket.send(.string(String(decoding: message, as: UTF8.self)))
        let deadline = ContinuousClock.now + timeout
        while true {
            // Events (no id) and answers to earlier commands are skipped.
            let text = try await receive(until: deadline, what: method)
            guard let answer = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                  answer["id"] as? Int == id else { continue }
            if let error = answer["error"] as? [String: Any] { throw ChromiumError.failed("\(method): \(error)") }
            return answer["result"] as? [String: Any] ?? [:]
        }
    }

    /// The next message, or `timedOut` at `deadline` (closing the socket, which ends the receive).
    private func receive(until deadline: ContinuousClock.Instant, what: String) async throws -> String {
        guard let socket else { throw ChromiumError.failed("not attached") }
        return try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                switch try await socket.receive() {
                case .string(let text): return text
                case .data(let data): return String(decoding: data, as: UTF8.self)
                @unknown default: return ""
                }
            }
            group.addTask {
                try await Task.sleep(until: deadline)
                socket.cancel(with: .goingAway, reason: nil)
                throw ChromiumError.timedOut("no answer to \(what)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// `Runtime.evaluate` of a JavaScript expression in the page; its value as JSON gives it.
    /// - Throws: `ChromiumError` when the expression throws.
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw ChromiumError.failed("\(expression): \(exception["exception"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` every 50 ms until it gives something other than null, false or "".
    /// - Throws: `timedOut` after `timeout`.
    @discardableResult
    func wait(for expression: String, timeout: Duration = .seconds(30)) async throws -> Any {
        let deadline = ContinuousClock.now + timeout
        while true {
            let value = try await evaluate(expression)
            if let value, !(value is NSNull), (value as? Bool) != false, (value as? String) != "" { return value }
            guard ContinuousClock.now < deadline else { throw ChromiumError.timedOut("waiting for \(expression)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Types `text` into the focused element, as an input method commits it.
    func type(_ text: String) async throws {
        try await send("Input.insertText", ["text": text])
    }

    /// Presses and releases a key (`key`/`code` as in KeyboardEvent; `modifiers` 2 is Ctrl, 8 Shift).
    func press(_ key: String, code: String, keyCode: Int, modifiers: Int = 0, text: String? = nil) async throws {
        var down: [String: Any] = ["type": text == nil ? "rawKeyDown" : "keyDown", "key": key, "code": code,
                                   "windowsVirtualKeyCode": keyCode, "modifiers": modifiers]
        if let text { down["text"] = text }
        try await send("Input.dispatchKeyEvent", down)
        try await send("Input.dispatchKeyEvent", ["type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": keyCode,
                                                  "modifiers": modifiers])
    }

    /// A left click at the middle of the element with `id`.
    func click(_ id: String) async throws {
        let box = try await evaluate("(() => { const r = document.getElementById('\(id)').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        guard let point = box as? [Double], point.count == 2 else { throw ChromiumError.failed("no box for #\(id): \(String(describing: box))") }
        for type in ["mousePressed", "mouseReleased"] {
            try await send("Input.dispatchMouseEvent", ["type": type, "x": point[0], "y": point[1], "button": "left", "clickCount": 1])
        }
    }

    /// SIGTERM, then SIGKILL if it is still running after 5 s; its helpers end with it.
    func stop() {
        socket?.cancel(with: .goingAway, reason: nil)
        socket = nil
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date(timeIntervalSinceNow: 5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

enum ChromiumError: Error, CustomStringConvertible {
    case failed(String)
    case timedOut(String)

    var description: String {
        switch self {
        case .failed(let message): return "chromium: \(message)"
        case .timedOut(let message): return "chromium: timed out \(message)"
        }
    }
}
