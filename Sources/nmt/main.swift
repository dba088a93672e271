#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CBLAS
import IO
import MPI

/// `nmt`'s own entry point: the contract wants exit status 1 for usage errors (the parser's
/// default is 64) and every error as one `nmt: error: …` line.
enum Entry {
    static func run() {
        do {
            var command = try Nmt.parseAsRoot()
            try refuseSeveralRanks(command)
            try command.run()
        } catch is BrokenPipe {
            // The reader went away (`| head`); with SIGPIPE ignored this is where we learn it.
            // Stop as quietly as SIGPIPE would, with the status the unchecked writes gave (0).
            exit(0)
        } catch is Communicator.Stopped {
            exit(1)   // under mpirun: another rank failed, and rank 0 says why
        } catch let error as any UserError {
            if let line = Communicator.startupFailure("\(error)") { FileSystem.printError("nmt: error: \(line)") }
            Communicator.endAfterError()
            exit(1)
        } catch {
            let code = Nmt.exitCode(for: error)
            if code == .success { Communicator.printsAtStartup ? printHelp(for: error) : exit(0) }
            if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
            let message = Nmt.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "\(error)"
            // Under mpirun every rank parses the same command line: rank 0 alone says what is wrong.
            guard let line = Communicator.startupFailure(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) else { exit(1) }
            FileSystem.printError("nmt: error: \(line)")
            // A `UserError` thrown by `validate()` (an option out of its range) reaches here
            // wrapped, with exit code 1: it is one line, like every other error of ours.
            if code == .validationFailure { FileSystem.printError("Run 'nmt --help' or 'nmt <command> --help' for usage.") }
            Communicator.endAfterError()
            exit(1)
        }
    }
}

/// Under `mpirun -np N` (N > 1) only `nmt translate` and `nmt train` share their work between
/// the ranks; any other command would run N times over the same files, so it is one error line
/// instead. Reads mpirun's environment: MPI is not started.
private func refuseSeveralRanks(_ command: any ParsableCommand) throws {
    guard Communicator.startedByMPIRun(environment: { getenv($0).map { String(cString: $0) } }),
          let size = getenv("OMPI_COMM_WORLD_SIZE").flatMap({ Int(String(cString: $0)) }), size > 1,
          !(command is TranslateCommand), !(command is TrainCommand), !(command is BenchTrainCommand) else { return }
    throw SeveralRanksError(command: type(of: command).configuration.commandName ?? "nmt", ranks: size)
}

struct SeveralRanksError: UserError {
    var command: String
    var ranks: Int

    var description: String {
        "nmt \(command) runs in one process; under mpirun (\(ranks) ranks) only nmt train and nmt translate share their work: run nmt \(command) without mpirun"
    }
}

/// `--help` and `--version` on standard output through the checked writer, so that
/// `nmt --help > /dev/full` fails like any other output.
private func printHelp(for request: Error) -> Never {
    let text = Nmt.fullMessage(for: request)
    do {
        if !text.isEmpty { try OutputFile.standardOutput.write(Array((text + "\n").utf8)) }
    } catch is BrokenPipe {
        exit(0)
    } catch {
        FileSystem.printError("nmt: error: \(error)")
        exit(1)
    }
    exit(0)
}

/// OpenBLAS reads its settings from the environment when the library loads, before `main`; when
/// a setting should differ, set it and start again (once: `NMT_BLAS_CONFIGURED` marks the restart).
/// - Commands that multiply no matrices get one OpenBLAS thread: otherwise its idle worker spins
///   on `sched_yield` for a while after start, CPU time a short command like `nmt tokenize` pays.
/// - OpenBLAS 0.3.21 runs its AVX2 kernels on CPUs it does not know (AMD Zen 4/5) even when they
///   have AVX-512; unless OPENBLAS_CORETYPE is set, ask for the SkylakeX ones (faster training on
///   such a CPU; the measurement is in the commit that added this).
func configureOpenBLAS() {
    guard getenv("NMT_BLAS_CONFIGURED") == nil else { return }
    var restart = false
    let command = CommandLine.arguments.dropFirst().first ?? ""
    if ["tokenize", "bpe", "vocab", "prepare", "score"].contains(command) && getenv("OPENBLAS_NUM_THREADS") == nil {
        setenv("OPENBLAS_NUM_THREADS", "1", 1)
        restart = true
    }
    if nmt_blas_prefers_avx512_kernels() != 0 {
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        restart = true
    }
    guard restart else { return }
    setenv("NMT_BLAS_CONFIGURED", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)   // returns only on failure: go on as we are
}

configureOpenBLAS()
Entry.run()
