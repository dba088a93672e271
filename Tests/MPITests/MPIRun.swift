import Foundation
import TestSupport

/// Runs programs under Open MPI's real `mpirun` for the tests (as root, which CI is, through
/// OMPI_ALLOW_RUN_AS_ROOT; `--oversubscribe` since the machine may have fewer cores than ranks).
enum MPIRun {
    /// mpirun's path, nil when Open MPI is not installed (the suites are then skipped).
    static let path: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The test program of the collectives, built beside `nmt`.
    static var check: String {
        URL(fileURLWithPath: NmtProcess.executable).deletingLastPathComponent().appendingPathComponent("MPICheck").path
    }

    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var seconds: Double
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// `mpirun -np ranks program arguments` (or mpirun's own `arguments` with `raw`, for
    /// MPMD `A : B`), standard input from `stdin`.
    static func run(ranks: Int, _ program: String, _ arguments: [String], stdin: String? = nil, raw: [String]? = nil) throws -> Result {
        let job = try Job(ranks: ranks, program, arguments, stdin: stdin, raw: raw)
        return try job.wait()
    }

    /// An `mpirun` job started and not yet waited for.
    final class Job {
        let process = Process()
        private let scratch: TemporaryDirectory
        private let output: URL, errors: URL
        private let start = Date()

        /// - Parameters: quiet: mpirun's `-q` (without its own notes); environment: more variables.
        init(ranks: Int, _ program: String, _ arguments: [String], stdin: String? = nil, raw: [String]? = nil,
             quiet: Bool = true, environment extra: [String: String] = [:]) throws {
            let scratch = try TemporaryDirectory()
            self.scratch = scratch
            output = scratch.url.appendingPathComponent("stdout"); errors = scratch.url.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: MPIRun.path!)
            // -q: without mpirun's own notes on a failing job, stderr is what the ranks wrote.
            process.arguments = (quiet ? ["-q"] : []) + ["--oversubscribe"] + (raw ?? (["-np", String(ranks), program] + arguments))
            var environment = ProcessInfo.processInfo.environment
            environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
            // Shared memory and the loopback only: no probing of other interfaces, no warnings about them.
            environment["OMPI_MCA_btl"] = "self,vader,tcp"
            environment["OMPI_MCA_btl_tcp_if_include"] = "lo"
            environment["OMPI_MCA_oob_tcp_if_include"] = "lo"
            process.environment = environment.merging(extra) { $1 }
            if let stdin {
                let input = scratch.url.appendingPathComponent("stdin")
                try Data(stdin.utf8).write(to: input)
                process.standardInput = try FileHandle(forReadingFrom: input)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            // The test runner's threads block SIGTERM and SIGINT, and a child inherits the mask:
            // mpirun would never see them (a test sends SIGTERM to it).
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGTERM)
            sigaddset(&signals, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            try process.run()
        }

        /// Waits for mpirun to exit.
        func wait() throws -> Result {
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: [UInt8](try Data(contentsOf: output)),
                          stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self), seconds: Date().timeIntervalSince(start))
        }
    }
}
