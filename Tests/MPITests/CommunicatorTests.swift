import Foundation
import IO
@testable import MPI
import Testing

/// The communicator without mpirun (this test process): one rank, no MPI, collectives that
/// return their input; and with real ranks, through `MPICheck` under `mpirun -np 2/3`.
struct CommunicatorTests {
    @Test func withoutMPIRunThereIsOneRankAndNoMPI() throws {
        let world = Communicator.world
        #expect(!world.isDistributed && world.rank == 0 && world.size == 1 && world.isRoot)
        var values: [Float] = [1, 2.5]
        values.withUnsafeMutableBufferPointer { world.allreduceSum($0); world.startAllreduceSum($0).wait() }
        #expect(values == [1, 2.5])
        #expect(world.allreduce([3, -4], .sum) == [3, -4] && world.any(true) && !world.all(false))
        #expect(world.broadcast([1, 2]) == [1, 2] && world.gather([7]) == [[7]])
        #expect(try world.agree { 5 } == 5)
        #expect(throws: FileError.notFound(path: "x")) { try world.agree { throw FileError.notFound(path: "x") } }
    }

    @Test func detectsMPIRunFromItsEnvironment() {
        #expect(Communicator.startedByMPIRun { ["OMPI_COMM_WORLD_SIZE": "2"][$0] })
        #expect(Communicator.startedByMPIRun { ["PMIX_RANK": "0"][$0] })
        #expect(!Communicator.startedByMPIRun { ["PATH": "/usr/bin", "OMPI_MCA_btl": "self"][$0] })
    }

    @Test func messagesKeepEveryBit() {
        var writer = MessageWriter()
        writer.append(-3)
        writer.append(Double.pi)
        writer.append([Int32.min, 0, 7])
        writer.append([Float.nan, -0.0, .leastNonzeroMagnitude])
        writer.append([Int.max])
        writer.append(bytes: [])
        var reader = MessageReader(writer.bytes)
        #expect(reader.int() == -3 && reader.double() == .pi && reader.int32s() == [Int32.min, 0, 7])
        #expect(reader.floats().map(\.bitPattern) == [Float.nan, -0.0, .leastNonzeroMagnitude].map(\.bitPattern))
        #expect(reader.ints() == [Int.max] && reader.byteArray() == [] && reader.isAtEnd)
    }

    @Test(.enabled(if: MPIRun.path != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
          arguments: [2, 3])
    func collectivesOnRealRanks(ranks: Int) throws {
        let result = try MPIRun.run(ranks: ranks, MPIRun.check, [])
        let lines = result.text.split(separator: "\n")
        #expect(result.status == 0, "\(result.text)\(result.stderr)")
        #expect(lines.count == 10 && lines.allSatisfy { $0.hasPrefix("ok ") }, "\(result.text)\(result.stderr)")
    }

    /// rank 2 fails: rank 0 reports its error (naming the rank), the others stop without one.
    @Test(.enabled(if: MPIRun.path != nil, "mpirun is not installed"))
    func agreeStopsEveryRankWhenOneFails() throws {
        let result = try MPIRun.run(ranks: 3, MPIRun.check, ["agree"])
        let lines = Set(result.text.split(separator: "\n").map(String.init))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines == ["rank 0 caught RankFailure: rank 2: \(FileError.notFound(path: "rank2.txt"))",
                          "rank 1 caught Stopped", "rank 2 caught Stopped"], "\(result.text)")
    }

    /// A rank killed while the others wait in a barrier ends the whole job (Open MPI's default).
    @Test(.enabled(if: MPIRun.path != nil, "mpirun is not installed"))
    func aDeadRankEndsTheJob() throws {
        let result = try MPIRun.run(ranks: 3, MPIRun.check, ["die"])
        #expect(result.status != 0 && !result.text.contains("passed a barrier"), "\(result.text)")
        #expect(result.seconds < 30)
    }
}
