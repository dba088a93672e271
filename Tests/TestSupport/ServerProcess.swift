import Foundation

/// `nmt serve` started the way a user starts it, on a free loopback port: waits for its
/// `listening on` line, then tests talk HTTP to `url`; `stop()` sends SIGTERM and waits.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var port = 0
    private let errors = Pipe()
    private let lock = NSLock()
    private var collected = Data()

    /// - Parameter arguments: after `serve` (`--port 0` is added).
    public init(_ arguments: [String], timeout: TimeInterval = 60) throws {
        process.executableURL = URL(fileURLWithPath: NmtProcess.executable)
        process.arguments = ["serve", "--port", "0"] + arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.collected.append(data)
            self.lock.unlock()
        }
        try process.run()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline && process.isRunning {
            if let range = stderr.range(of: "listening on http://127.0.0.1:") {
                let digits = stderr[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), stderr[range.upperBound...].dropFirst(digits.count).first == "\n" {
                    self.port = port
                    return
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw ServerProcessError.didNotStart(stderr)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// What the server wrote to standard error so far.
    public var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    public func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// SIGTERM, then the exit status (waits up to `timeout`, then kills).
    @discardableResult
    public func stop(timeout: TimeInterval = 30) -> Int32 {
        process.terminate()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

public enum ServerProcessError: Error {
    case didNotStart(String)
}
