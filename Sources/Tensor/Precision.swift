import CDNNL
import IO
#if canImport(Glibc)
import Glibc
#endif

/// The arithmetic of the decoder's matrix products (`--precision`). fp32 is OpenBLAS and the
/// reference; int8 is oneDNN's u8 × s8 → s32 product (`Int8Matrix`); auto is the fastest this
/// CPU has. bf16 decoding is not built yet: asking for it is an error on every CPU.
public enum Precision: String, CaseIterable, Sendable {
    case fp32, bf16, int8, auto
}

/// What this CPU runs fast in reduced precision, as oneDNN sees it (its effective ISA, which
/// `ONEDNN_MAX_CPU_ISA` can lower): int8 needs AVX2 (oneDNN's u8 × s8 kernels; below it they
/// are reference loops, slower than OpenBLAS in fp32), bf16 needs AVX512_BF16, and VNNI makes
/// int8 sums exact over 8-bit activations (without it they take 7, see `activationLevels`).
public struct ReducedPrecisionCPU: Sendable, Equatable {
    public var int8: Bool
    public var bf16: Bool
    public var vnni: Bool

    public init(int8: Bool, bf16: Bool, vnni: Bool) {
        self.int8 = int8
        self.bf16 = bf16
        self.vnni = vnni
    }

    /// This machine's, less what `NMT_TEST_CPU_LACKS` (a comma-separated list of `int8`, `bf16`;
    /// set only by tests) takes away, so that tests see a CPU without them.
    public static let current: ReducedPrecisionCPU = {
        let features = nmt_dnnl_cpu_features()
        var cpu = ReducedPrecisionCPU(int8: features & 1 != 0, bf16: features & 2 != 0, vnni: features & 4 != 0)
        let lacks = getenv("NMT_TEST_CPU_LACKS").map { String(cString: $0).split(separator: ",").map(String.init) } ?? []
        if lacks.contains("int8") { cpu.int8 = false; cpu.vnni = false }
        if lacks.contains("bf16") { cpu.bf16 = false }
        return cpu
    }()

    /// Steps of a quantized activation (u8 from 0): 255 with VNNI; 127 without, because AVX2's
    /// vpmaddubsw adds two u8 · s8 products into 16 bits and saturates past 32,767
    /// (2 · 255 · 127 would; 2 · 127 · 127 = 32,258 does not).
    public var activationLevels: Int32 { vnni ? 255 : 127 }

    /// The precision `asked` means here: auto becomes int8 where the CPU has it, else fp32.
    /// - Throws: `PrecisionUnavailable` when the CPU lacks it (or it is bf16, not built yet).
    public func resolve(_ asked: Precision, option: String = "--precision") throws -> Precision {
        switch asked {
        case .fp32: return .fp32
        case .auto: return int8 ? .int8 : .fp32
        case .int8:
            guard int8 else { throw PrecisionUnavailable(option: option, precision: asked, reason: "this CPU lacks AVX2, which oneDNN's int8 products need") }
            return .int8
        case .bf16:
            guard bf16 else { throw PrecisionUnavailable(option: option, precision: asked, reason: "this CPU lacks AVX512_BF16") }
            throw PrecisionUnavailable(option: option, precision: asked, reason: "bf16 decoding is not built yet (int8 and fp32 are)")
        }
    }
}

/// `--precision P` on a CPU that cannot run it: one line naming the option.
public struct PrecisionUnavailable: UserError {
    public let option: String
    public let precision: Precision
    public let reason: String

    public var description: String { "\(option) \(precision.rawValue): \(reason); use --precision fp32 or auto" }
}
