#if canImport(Glibc)
import Glibc
#endif
import CMPI
import IO

extension Communicator {
    /// Runs `body` on every rank and makes the ranks agree on whether it failed anywhere, so that
    /// an error on one rank ends all of them at the same point instead of leaving the others
    /// waiting in the next collective. Each rank must call it at the same point of its work
    /// (`body` may do different things on different ranks; it must not call collectives).
    ///
    /// When some rank failed, every rank throws: rank 0 the error of the lowest failing rank
    /// (its own, or a `RankFailure` carrying the other rank's message), the other ranks
    /// `Stopped`, which the command turns into exit status 1 without a message, so the job
    /// prints one error line. Without MPI it is `try body()`.
    /// - Complexity: one gather of the error messages and one broadcast (a few bytes when all is well).
    public func agree<T>(_ body: () throws -> T) throws -> T {
        guard isDistributed else { return try body() }
        var result: Result<T, Error>
        do { result = .success(try body()) } catch { result = .failure(error) }
        var message = [UInt8]()
        if case .failure(let error) = result { message = Array("\(error)".utf8); if message.isEmpty { message = [0x3F] } }
        let messages = gather(message)
        // Rank 0 tells everyone which rank failed first (-1: none).
        var verdict: [UInt8] = []
        if isRoot {
            let failed = messages.firstIndex { !$0.isEmpty } ?? -1
            verdict = Array(String(failed).utf8)
        }
        let failed = Int(String(decoding: broadcast(verdict), as: UTF8.self)) ?? -1
        switch (result, failed) {
        case (.success(let value), -1): return value
        case (.failure(let error), 0) where isRoot:
            Self.failureAgreed = true
            throw error
        case (_, let rank) where isRoot:
            Self.failureAgreed = true
            throw RankFailure(rank: rank, message: String(decoding: messages[rank], as: UTF8.self))
        default:
            Self.failureAgreed = true
            throw Stopped()
        }
    }

    /// The error another rank met, as rank 0 reports it.
    public struct RankFailure: UserError {
        public var rank: Int
        public var message: String
        public var description: String { "rank \(rank): \(message)" }
    }

    /// Set when `agree` has thrown: every rank is stopping at the same point.
    nonisolated(unsafe) static var failureAgreed = false

    /// What a command calls before exiting with an error: under mpirun, an error the ranks did
    /// not agree on (one rank's alone) ends the whole job with MPI_Abort, since the other ranks may
    /// be waiting for this one in a collective; otherwise nothing (MPI_Finalize runs at exit).
    /// Never initializes MPI.
    public static func endAfterError() {
        guard nmt_mpi_initialized() != 0, nmt_mpi_finalized() == 0, !failureAgreed else { return }
        _ = nmt_mpi_abort(1)
    }

    /// Whether this process should print the error (or help) it stops with: not on a rank other than 0
    /// that fails before MPI started (parsing the command line, which every rank does alike:
    /// rank 0 prints the one line). Never initializes MPI.
    public static var printsAtStartup: Bool {
        let environment = ProcessInfo_environment
        guard startedByMPIRun(environment: environment), nmt_mpi_initialized() == 0 else { return true }
        let rank = ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"].lazy.compactMap { environment($0) }.first
        return rank == nil || rank == "0"
    }

    /// What to print for an error met before the command reached its first collective (parsing
    /// the command line), under mpirun: the ranks agree on it, so that rank 0 prints one line
    /// (its own `message`, or `rank R: …` for another rank's) and the others nothing (nil), and
    /// no rank exits before rank 0 has printed (mpirun ends the job at the first failed exit).
    /// Without mpirun, or once MPI has started, `message` as it is. Initializes MPI under mpirun.
    public static func startupFailure(_ message: String) -> String? {
        guard nmt_mpi_initialized() == 0, startedByMPIRun(environment: ProcessInfo_environment) else { return message }
        do {
            try world.agree { throw StartupFailure(message: message) }
        } catch let failure as RankFailure {
            return failure.description
        } catch is Stopped {
            return nil
        } catch {}
        return message
    }

    private struct StartupFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Another rank (rank 0 says which) failed: stop with exit status 1, printing nothing.
    public struct Stopped: Error {}
}

/// getenv as a String.
private func ProcessInfo_environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
