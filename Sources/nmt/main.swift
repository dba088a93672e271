#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CBLAS
import IO

/// `nmt`'s own entry point: the contract wants exit status 1 for usage errors (the parser's
/// default is 64) and every error as one `nmt: error: …` line.
enum Entry {
    static func run() {
        do {
            var command = try Nmt.parseAsRoot()
            try command.run()
        } catch let error as any UserError {
            FileSystem.printError("nmt: error: \(error)")
            exit(1)
        } catch {
            let code = Nmt.exitCode(for: error)
            if code == .success { Nmt.exit(withError: error) }
            if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
            let message = Nmt.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileSystem.printError("nmt: error: \(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)")
            FileSystem.printError("Run 'nmt --help' or 'nmt <command> --help' for usage.")
            exit(1)
        }
    }
}

/// OpenBLAS 0.3.21 runs its AVX2 kernels on CPUs it does not know (AMD Zen 4/5) even when they
/// have AVX-512; its kernel choice is read from the environment when the library loads, so set it
/// and start again. Measured on this machine's Zen 5: `nmt bench train --config S` 8,300 → 13,000
/// target tokens/s, `--config M --loss full` 1,200 → 1,900.
func preferAVX512Kernels() {
    guard nmt_blas_prefers_avx512_kernels() != 0 else { return }
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)   // returns only on failure: go on with AVX2 kernels
}

preferAVX512Kernels()
Entry.run()
