import Foundation

/// Runs the built `nmt` executable the way a user does, capturing its output and exit status.
public struct NmtProcess {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var stdoutBytes: [UInt8]
        /// Killed by a signal (`status` is then the signal's number).
        public var signaled = false
    }

    /// The `nmt` built beside this test bundle (same build folder); test targets that use this
    /// depend on the `nmt` executable target so that it is built first.
    public static let executable: String = {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("nmt").path
    }()

    /// The repository root (for the shipped corpus and fixtures).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    public static func run(_ arguments: [String], stdin: [UInt8] = [], directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        try run(arguments, stdin: stdin, directory: directory, standardOutput: nil, environment: environment)
    }

    /// Runs `nmt` with its standard output on `standardOutput` (a device, a FIFO, a pipe's end:
    /// `stdout` of the result is then empty). `ignoringSIGPIPE` starts it through `sh` with
    /// SIGPIPE ignored, as some parents do, so that a closed pipe shows as EPIPE.
    public static func run(_ arguments: [String], stdin: [UInt8] = [], directory: URL? = nil,
                           standardOutput: FileHandle?, ignoringSIGPIPE: Bool = false,
                           environment: [String: String] = [:]) throws -> Result {
        let scratch = try TemporaryDirectory()
        let input = scratch.url.appendingPathComponent("stdin")
        let output = scratch.url.appendingPathComponent("stdout")
        let errors = scratch.url.appendingPathComponent("stderr")
        try Data(stdin).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        if ignoringSIGPIPE {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' PIPE; exec \"$0\" \"$@\"", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try standardOutput ?? FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let out = try [UInt8](Data(contentsOf: output))
        let err = try Data(contentsOf: errors)
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self), stdoutBytes: out,
                      signaled: process.terminationReason == .uncaughtSignal)
    }
}

/// A directory under the system's temporary folder, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes a file and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = self.path(name)
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    public func read(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }
}
