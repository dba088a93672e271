#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import IO
import ModelFiles
import Tensor

/// The checkpoint reader, `Checkpoint(contentsOf:)`.
///
/// Each input is read twice: as it is (which mostly tests the checks up to the checksum), and with
/// its last 8 bytes replaced by the right checksum, so that the fuzzer reaches the section reader
/// behind it. Properties: a file is read or refused with a `UserError`, never a crash or an
/// allocation beyond the file's size; a checkpoint that was read, written and read again has the
/// same sections, bit for bit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    read(bytes)
    if bytes.count >= 20 {
        var fixed = bytes
        let body = bytes.count - 8
        withUnsafeBytes(of: Checksum.of(bytes[0..<body]).littleEndian) { for k in 0..<8 { fixed[body + k] = $0[k] } }
        read(fixed)
    }
    return 0
}

func read(_ bytes: [UInt8]) {
    let path = Fuzz.scratchFile("a.ckpt", bytes)
    guard let checkpoint = Fuzz.answer({ try Checkpoint(contentsOf: path) }) else { return }
    let copy = "\(Fuzz.scratch)/b.ckpt"
    guard let back = Fuzz.answer({ try checkpoint.write(to: copy); return try Checkpoint(contentsOf: copy) }) else {
        Fuzz.require(false, "a checkpoint that was read cannot be written and read again")
        return
    }
    Fuzz.require(back.texts.map(\.name) == checkpoint.texts.map(\.name) && back.texts.map(\.value) == checkpoint.texts.map(\.value),
                 "texts changed: \(checkpoint.texts) → \(back.texts)")
    Fuzz.require(back.integers.map(\.name) == checkpoint.integers.map(\.name) && back.integers.map(\.values) == checkpoint.integers.map(\.values),
                 "integers changed")
    Fuzz.require(back.tensors.map(\.name) == checkpoint.tensors.map(\.name)
                 && zip(back.tensors, checkpoint.tensors).allSatisfy { bits($0.buffer) == bits($1.buffer) },
                 "tensors changed")
}

func bits(_ buffer: FloatBuffer) -> [UInt32] {
    (0..<buffer.count).map { buffer.pointer[$0].bitPattern }
}

/// With `NMT_FUZZ_SEED=DIR` in the environment, writes a small real checkpoint to `DIR/tiny.ckpt`
/// and exits: `run.sh` seeds a new corpus with it.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let directory = getenv("NMT_FUZZ_SEED").map({ String(cString: $0) }) else { return 0 }
    var checkpoint = Checkpoint()
    checkpoint.texts = [("recipe", "name: tiny\n"), ("tokenizer", "reversible")]
    checkpoint.integers = [("step", [12]), ("random", [0xDEAD_BEEF, 42])]
    let parameters = FloatBuffer(count: 6)
    for i in 0..<6 { parameters.pointer[i] = Float(i) * 0.5 - 1 }
    checkpoint.tensors = [("parameters", parameters)]
    do { try checkpoint.write(to: "\(directory)/tiny.ckpt") } catch { fatalError("\(error)") }
    exit(0)
}
