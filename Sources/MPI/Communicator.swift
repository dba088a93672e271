#if canImport(Glibc)
import Glibc
#endif
import CMPI
import IO

/// The processes of one `mpirun` job (Open MPI's MPI_COMM_WORLD), or this process alone.
///
/// `Communicator.world` looks at the environment once: a process started by `mpirun`/`mpiexec`
/// (Open MPI sets OMPI_COMM_WORLD_SIZE, PMIx PMIX_RANK) calls MPI_Init_thread then, and
/// MPI_Finalize when it exits; any other process never calls MPI at all (no start-up cost, no
/// warnings) and gets a communicator of one rank whose collectives return their input.
///
/// Collectives must be called by every rank in the same order (MPI's rule): code that may fail on
/// one rank and not another goes through `agree(_:)`, so that no rank is left waiting. A rank
/// that dies ends the job: Open MPI's default error handler (MPI_ERRORS_ARE_FATAL) is kept.
/// Calls may come from any thread, one at a time (MPI_THREAD_SERIALIZED).
public struct Communicator: Sendable {
    /// This process's index, 0..<size; rank 0 reads, logs and writes.
    public let rank: Int
    public let size: Int
    /// Started by mpirun (MPI initialized), even with `-np 1`; false: MPI is never called.
    public let isDistributed: Bool

    public var isRoot: Bool { rank == 0 }

    /// This process alone (no MPI).
    public static let single = Communicator(rank: 0, size: 1, isDistributed: false)

    /// The job this process belongs to; the first use initializes MPI when under mpirun.
    public static let world: Communicator = {
        guard startedByMPIRun(environment: { getenv($0).map { String(cString: $0) } }) else { return .single }
        var provided: Int32 = 0
        check(nmt_mpi_init(&provided), "MPI_Init_thread")
        if provided < nmt_mpi_thread_serialized() {
            // Every call then has to come from the main thread; nmt makes its calls there.
            FileSystem.printError("nmt: warning: Open MPI gives thread level \(provided), not MPI_THREAD_SERIALIZED")
        }
        atexit { if nmt_mpi_initialized() != 0 && nmt_mpi_finalized() == 0 { _ = nmt_mpi_finalize() } }
        return Communicator(rank: Int(nmt_mpi_rank()), size: Int(nmt_mpi_size()), isDistributed: true)
    }()

    /// Whether the process was started by Open MPI's mpirun/mpiexec (or another PMIx launcher):
    /// the variables they set in every rank's environment.
    public static func startedByMPIRun(environment: (String) -> String?) -> Bool {
        ["OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"].contains { environment($0) != nil }
    }

    private init(rank: Int, size: Int, isDistributed: Bool) {
        self.rank = rank
        self.size = size
        self.isDistributed = isDistributed
    }

    // MARK: Collectives

    /// MPI counts are Int32: longer buffers go in pieces of this many elements.
    static let largestCount = 1 << 30

    /// Σ over the ranks of `values`, in place (MPI_Allreduce).
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        guard isDistributed, let base = values.baseAddress else { return }
        for start in stride(from: 0, to: values.count, by: Self.largestCount) {
            let count = min(Self.largestCount, values.count - start)
            Self.check(nmt_mpi_allreduce_sum_float(base + start, Int32(count)), "MPI_Allreduce")
        }
    }

    /// Σ over the ranks of a few doubles (a step's loss, token count, squared norms), in place.
    public func allreduceSum(_ values: inout [Double]) {
        guard isDistributed, !values.isEmpty else { return }
        let count = Int32(values.count)
        Self.check(values.withUnsafeMutableBufferPointer { nmt_mpi_allreduce_sum_double($0.baseAddress!, count) }, "MPI_Allreduce")
    }

    /// A started Σ (MPI_Iallreduce) of a buffer that must stay in place and untouched until
    /// `wait()` returns (a sum never waited for is waited for when the value goes).
    public final class PendingSum {
        private var requests: [UnsafeMutableRawPointer]

        fileprivate init(requests: [UnsafeMutableRawPointer]) { self.requests = requests }

        /// Blocks until the sums are in the buffer.
        public func wait() {
            for request in requests { Communicator.check(nmt_mpi_wait(request), "MPI_Wait") }
            requests = []
        }

        deinit { wait() }
    }

    /// Starts Σ over the ranks of `values` in place and returns at once, so that computation
    /// (the backward pass of the next layer) overlaps the exchange; `wait()` before reading or
    /// writing `values`. Chunks of a gradient started one after the other complete in order.
    public func startAllreduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> PendingSum {
        guard isDistributed, let base = values.baseAddress else { return PendingSum(requests: []) }
        var requests = [UnsafeMutableRawPointer]()
        for start in stride(from: 0, to: values.count, by: Self.largestCount) {
            let count = min(Self.largestCount, values.count - start)
            guard let request = nmt_mpi_iallreduce_sum_float(base + start, Int32(count)) else {
                Self.fail("MPI_Iallreduce could not start")
            }
            requests.append(request)
        }
        return PendingSum(requests: requests)
    }

    public enum Reduction: Int32, Sendable { case sum = 0, max = 1, min = 2 }

    /// The element-wise sum, maximum or minimum over the ranks of a few integers (every rank
    /// gets the result): ranks agreeing on a step count, or to stop.
    public func allreduce(_ values: [Int], _ reduction: Reduction) -> [Int] {
        guard isDistributed, !values.isEmpty else { return values }
        var wide = values.map { Int64($0) }
        Self.check(nmt_mpi_allreduce_int64(&wide, Int32(wide.count), reduction.rawValue), "MPI_Allreduce")
        return wide.map { Int($0) }
    }

    /// True on every rank when `value` is true on at least one (a signal on any rank stops all).
    public func any(_ value: Bool) -> Bool { allreduce([value ? 1 : 0], .max)[0] != 0 }

    /// True on every rank when `value` is true on all of them.
    public func all(_ value: Bool) -> Bool { allreduce([value ? 1 : 0], .min)[0] != 0 }

    /// Rank 0's `bytes` on every rank (what other ranks pass is ignored; any length).
    public func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        guard isDistributed else { return bytes }
        var count = Int64(isRoot ? bytes.count : 0)
        Self.check(nmt_mpi_broadcast_bytes(&count, 8, 0), "MPI_Bcast")
        var received = isRoot ? bytes : [UInt8](repeating: 0, count: Int(count))
        received.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in stride(from: 0, to: buffer.count, by: Self.largestCount) {
                Self.check(nmt_mpi_broadcast_bytes(base + start, Int32(min(Self.largestCount, buffer.count - start)), 0), "MPI_Bcast")
            }
        }
        return received
    }

    /// Every rank's `bytes` (of any length each) on rank 0, in rank order; other ranks get [].
    /// - Precondition: all ranks' bytes together under 2 GB (MPI_Gatherv's Int32 offsets).
    public func gather(_ bytes: [UInt8]) -> [[UInt8]] {
        guard isDistributed else { return [bytes] }
        var counts = [Int64](repeating: 0, count: size)
        Self.check(nmt_mpi_allgather_int64(Int64(bytes.count), &counts), "MPI_Allgather")
        let total = counts.reduce(0, +)
        if total > Int64(Int32.max) { Self.fail("a gather of \(total) bytes is over MPI's 2 GB") }
        var offsets = [Int32](repeating: 0, count: size)
        for r in 1..<max(1, size) { offsets[r] = offsets[r - 1] + Int32(counts[r - 1]) }
        let counts32 = counts.map { Int32($0) }
        var received = [UInt8](repeating: 0, count: isRoot ? Int(total) : 0)
        bytes.withUnsafeBytes { sent in
            received.withUnsafeMutableBytes { into in
                Self.check(nmt_mpi_gather_bytes(sent.baseAddress, Int32(sent.count), into.baseAddress, counts32, offsets),
                           "MPI_Gatherv")
            }
        }
        guard isRoot else { return [] }
        return (0..<size).map { r in Array(received[Int(offsets[r])..<(Int(offsets[r]) + Int(counts[r]))]) }
    }

    /// Returns once every rank has called it.
    public func barrier() {
        guard isDistributed else { return }
        Self.check(nmt_mpi_barrier(), "MPI_Barrier")
    }

    /// Ends every rank of the job with `code` (MPI_Abort; mpirun then reports it): for a failure
    /// the other ranks cannot learn of through `agree`. Without MPI, exits this process.
    public func abort(_ code: Int32) -> Never {
        if isDistributed { _ = nmt_mpi_abort(code) }
        exit(code)
    }

    /// With MPI_ERRORS_ARE_FATAL a failing call never returns; this is for a handler someone changed.
    static func check(_ status: Int32, _ call: String) {
        if status != 0 { fail("\(call) failed (MPI error \(status))") }
    }

    static func fail(_ message: String) -> Never {
        FileSystem.printError("nmt: error: \(message)")
        if nmt_mpi_initialized() != 0 && nmt_mpi_finalized() == 0 { _ = nmt_mpi_abort(1) }
        exit(1)
    }
}
