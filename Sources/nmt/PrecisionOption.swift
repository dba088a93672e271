import ArgumentParser
import Tensor

extension Precision: ExpressibleByArgument {
    /// `--precision`'s help, the same on every command that decodes.
    static let help = ArgumentHelp("""
        The products' arithmetic: fp32 (OpenBLAS), int8 (oneDNN; weights per output, activations per row), \
        bf16, or auto (the fastest this CPU has). One this CPU lacks is an error.
        """, valueName: "p")

    /// What `asked` means on this CPU (auto resolved); called from `validate()`, so that a
    /// precision the CPU lacks is one error line before any work. fp32 never asks oneDNN.
    static func resolved(_ asked: Precision) throws -> Precision {
        asked == .fp32 ? .fp32 : try ReducedPrecisionCPU.current.resolve(asked)
    }
}
