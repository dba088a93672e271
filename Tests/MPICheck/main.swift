#if canImport(Glibc)
import Glibc
#endif
import IO
import MPI

// Run by MPITests under `mpirun -np N`: each collective of `Communicator` with rank-dependent
// inputs, against what it must give worked out by hand here. Rank 0 prints `ok NAME` or
// `FAIL NAME: …` per check; the exit status is 1 when a check failed.
// `MPICheck die`: rank 1 kills itself while the others wait in a barrier (the job must end).
// `MPICheck agree`: rank 2 (or the last) fails inside `agree`; rank 0 prints what it caught.

let world = Communicator.world
let rank = world.rank, size = world.size
var failed = false

@MainActor func report(_ name: String, _ ok: Bool, _ detail: @autoclosure () -> String = "") {
    let all = world.all(ok)
    if world.isRoot { print(all ? "ok \(name)" : "FAIL \(name): \(detail())") }
    if !all { failed = true }
}

switch CommandLine.arguments.dropFirst().first ?? "" {
case "die":
    if rank == 1 { kill(getpid(), SIGKILL) }
    world.barrier()
    print("rank \(rank) passed a barrier that a dead rank never reached")
    exit(3)

case "agree":
    let failing = min(2, size - 1)
    do {
        try world.agree {
            if rank == failing { throw FileError.notFound(path: "rank\(rank).txt") }
        }
        print("rank \(rank): agree did not throw")
        exit(3)
    } catch let error as Communicator.RankFailure {
        print("rank \(rank) caught RankFailure: \(error)")
    } catch is Communicator.Stopped {
        print("rank \(rank) caught Stopped")
    } catch {
        print("rank \(rank) caught its own error: \(error)")
    }
    exit(0)

default:
    report("distributed", world.isDistributed && size >= 2 && (0..<size).contains(rank), "rank \(rank) of \(size)")

    // Σ_r (r + 1)·(i + 1) = (i + 1)·N(N + 1)/2, over more than one chunk's worth of shapes.
    var values = (0..<1000).map { Float((rank + 1) * ($0 + 1)) }
    values.withUnsafeMutableBufferPointer { world.allreduceSum($0) }
    let triangle = size * (size + 1) / 2
    report("allreduceSum", values.enumerated().allSatisfy { $1 == Float(($0 + 1) * triangle) }, "\(values.prefix(3))")

    // Two nonblocking sums in flight at once, each waited for.
    var first = [Float](repeating: Float(rank), count: 300), second = [Float](repeating: 1, count: 7)
    first.withUnsafeMutableBufferPointer { a in
        second.withUnsafeMutableBufferPointer { b in
            let pendingA = world.startAllreduceSum(a), pendingB = world.startAllreduceSum(b)
            pendingB.wait()
            pendingA.wait()
        }
    }
    report("startAllreduceSum", first.allSatisfy { $0 == Float(size * (size - 1) / 2) } && second.allSatisfy { $0 == Float(size) },
           "\(first[0]) \(second[0])")

    let reduced = (world.allreduce([rank, 10 - rank], .max), world.allreduce([rank, 10 - rank], .min), world.allreduce([rank, 1], .sum))
    report("allreduce", reduced.0 == [size - 1, 10] && reduced.1 == [0, 10 - (size - 1)] && reduced.2 == [size * (size - 1) / 2, size],
           "\(reduced)")
    report("any/all", world.any(rank == size - 1) && !world.all(rank == 0) && world.all(true) && !world.any(false))

    // Rank 0's bytes (a length others do not know) reach everyone; what others pass is ignored.
    let sent: [UInt8] = rank == 0 ? Array("from rank 0: ü".utf8) + [0, 255] : [9, 9, 9]
    report("broadcast", world.broadcast(sent) == Array("from rank 0: ü".utf8) + [0, 255])
    report("broadcast empty", world.broadcast(rank == 0 ? [] : [1]) == [])

    // Rank r sends r bytes of value r (rank 0 sends none).
    let gathered = world.gather([UInt8](repeating: UInt8(rank), count: rank))
    let expected = (0..<size).map { [UInt8](repeating: UInt8($0), count: $0) }
    report("gather", rank == 0 ? gathered == expected : gathered.isEmpty, "\(gathered)")

    let agreed = try world.agree { rank * 2 }
    report("agree", agreed == rank * 2)

    world.barrier()
    report("barrier", true)
    exit(failed ? 1 : 0)
}
