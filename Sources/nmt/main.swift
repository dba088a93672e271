#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
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

Entry.run()
