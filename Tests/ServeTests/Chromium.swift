import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Headless Chromium with one page, driven over the Chrome DevTools Protocol through
/// `--remote-debugging-pipe` (Chromium reads commands on fd 3 and writes answers and events on
/// fd 4, each a JSON message ended by a NUL byte; two FIFOs in a fresh profile directory carry
/// them). URLSession's WebSocket needs a libcurl built with WebSockets, which Debian's is not.
/// Commands go to the page's session (`Target.attachToTarget`, flattened), and every wait, the
/// start included, ends at its timeout.
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
    private var commands: Int32 = -1           // our end of Chromium's fd 3
    private var answers: Int32 = -1            // our end of Chromium's fd 4 (non-blocking, polled)
    private var pending = [UInt8]()            // bytes read past the last NUL
    private var session: String?
    private var nextID = 0

    /// Starts Chromium on `url` and attaches to that page.
    /// - Throws: `ChromiumError` when it does not start or answer within `timeout`.
    init(opening url: URL, timeout: Duration = .seconds(30)) async throws {
        guard let executable = Self.executable else { throw ChromiumError.failed("no chromium binary on PATH") }
        profile = try TemporaryDirectory()
        let input = profile.path("commands"), output = profile.path("answers")
        guard mkfifo(input, 0o600) == 0, mkfifo(output, 0o600) == 0 else { throw ChromiumError.failed("mkfifo: errno \(errno)") }
        // The shell gives Chromium the FIFOs as fds 3 and 4, then becomes it (same pid).
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        process.arguments = ["-c", "exec \"$0\" \"$@\" 3<\"\(input)\" 4>\"\(output)\"", executable,
                             "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                             "--remote-debugging-pipe", "--user-data-dir=\(profile.path("profile"))", url.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: profile.path("stderr"), contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: profile.path("stderr")))
        try process.run()

        let deadline = ContinuousClock.now + timeout
        // Opening a FIFO to write fails (ENXIO) until its reader has it open: retry, never block.
        while commands < 0 {
            commands = open(input, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if commands < 0 {
                try check(deadline, "to open its command pipe")
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        _ = fcntl(commands, F_SETFL, 0)
        answers = open(output, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard answers >= 0 else { throw ChromiumError.failed("open \(output): errno \(errno)") }

        // The page on `url` (Chromium also lists its own browser_ui pages).
        var page: String?
        while page == nil {
            let targets = try await send("Target.getTargets", timeout: ContinuousClock.now.duration(to: deadline))
            let infos = targets["targetInfos"] as? [[String: Any]] ?? []
            page = infos.first { $0["type"] as? String == "page" && $0["url"] as? String == url.absoluteString }?["targetId"] as? String
            if page == nil {
                try check(deadline, "to list the page among \(infos)")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let attached = try await send("Target.attachToTarget", ["targetId": page!, "flatten": true], timeout: ContinuousClock.now.duration(to: deadline))
        guard let session = attached["sessionId"] as? String else { throw ChromiumError.failed("attach: \(attached)") }
        self.session = session
        // Headless windows are never focused; focus emulation lets focus and key events behave as in a window.
        try await send("Emulation.setFocusEmulationEnabled", ["enabled": true], timeout: ContinuousClock.now.duration(to: deadline))
    }

    deinit { stop() }

    private func check(_ deadline: ContinuousClock.Instant, _ what: String) throws {
        guard process.isRunning else { throw ChromiumError.failed("chromium exited (\(process.terminationStatus)) before \(what): \(log)") }
        guard ContinuousClock.now < deadline else { throw ChromiumError.timedOut("waiting for chromium \(what): \(log)") }
    }

    /// The end of Chromium's standard error, for failure messages.
    var log: String { String(((try? String(contentsOfFile: profile.path("stderr"), encoding: .utf8)) ?? "").suffix(2000)) }

    /// Sends one command (to the page once attached) and returns its `result`.
    /// - Throws: `ChromiumError` on an `error` answer, Chromium's exit, or no answer within `timeout`.
    @discardableResult
    func send(_ method: String, _ parameters: [String: Any] = [:], timeout: Duration = .seconds(15)) async throws -> [String: Any] {
        guard commands >= 0 else { throw ChromiumError.failed("not started") }
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ChromiumError.failed("\(method): write errno \(errno): \(log)") }
            written += count
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            // Events (no id) are skipped.
            let text = try await receive(until: deadline, what: method)
            guard let answer = (try? JSONSerialization.jsonObject(with: Data(text))) as? [String: Any],
                  answer["id"] as? Int == id else { continue }
            if let error = answer["error"] as? [String: Any] { throw ChromiumError.failed("\(method): \(error)") }
            return answer["result"] as? [String: Any] ?? [:]
        }
    }

    /// The next NUL-ended message, or `timedOut` at `deadline`.
    private func receive(until deadline: ContinuousClock.Instant, what: String) async throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = pending.firstIndex(of: 0) {
                let message = Array(pending[..<end])
                pending.removeSubrange(...end)
                return message
            }
            let count = buffer.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            if count > 0 {
                pending += buffer[..<count]
                continue
            }
            // Nothing yet (EAGAIN), or no writer yet or any more (0): poll briefly, then look again.
            try check(deadline, "to answer \(what)")
            var entry = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 20) <= 0 || count == 0 { try await Task.sleep(for: .milliseconds(5)) }
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
        var last = "nothing yet"
        while true {
            // While the page loads, evaluation may fail (no context yet): that is waited out too.
            do {
                let value = try await evaluate(expression)
                if let value, !(value is NSNull), (value as? Bool) != false, (value as? String) != "" { return value }
                last = "\(String(describing: value))"
            } catch let error as ChromiumError {
                if case .timedOut = error { throw error }
                last = "\(error)"
            }
            guard ContinuousClock.now < deadline else { throw ChromiumError.timedOut("waiting for \(expression) (last: \(last))") }
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

    /// A left click at the middle of the element with `id`, scrolled into view first.
    func click(_ id: String) async throws {
        let box = try await evaluate("(() => { const e = document.getElementById('\(id)'); e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        guard let point = box as? [Double], point.count == 2 else { throw ChromiumError.failed("no box for #\(id): \(String(describing: box))") }
        for type in ["mousePressed", "mouseReleased"] {
            try await send("Input.dispatchMouseEvent", ["type": type, "x": point[0], "y": point[1], "button": "left", "clickCount": 1])
        }
    }

    /// SIGTERM, then SIGKILL if it is still running after 5 s; its helpers end with it.
    func stop() {
        if commands >= 0 { close(commands); commands = -1 }
        if answers >= 0 { close(answers); answers = -1 }
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
