import FuzzSupport
import IO
import Train

/// The recipe reader, `Recipe(contentsOf:)` (UTF-8 check, then `Recipe(yaml:path:)`).
///
/// Properties: a recipe is read or refused with a one-line `UserError`, never a crash; a recipe
/// that was read, written as a model directory's `config.yaml` (`Recipe.yaml`) and read again,
/// is the same recipe.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipe(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    // Defect 4 of issue 11: Yams' parser recurses once per level of flow nesting and overflows the
    // stack (a segfault, crashes/recipe-deep-nesting). Until `Recipe` refuses deep recipes before
    // parsing, deep inputs are skipped here so that the fuzzer keeps looking for other faults.
    if nestingDepth(bytes) > 64 { return 0 }
    let path = Fuzz.scratchFile("recipe.yaml", bytes)
    guard let recipe = Fuzz.answer({ try Recipe(contentsOf: path) }) else { return 0 }
    let config = recipe.yaml
    let again = Fuzz.answer { try Recipe(yaml: config, path: "config.yaml") }
    Fuzz.require(again == recipe, "the recipe \(String(decoding: bytes, as: UTF8.self).debugDescription) gave config.yaml \(config.debugDescription), read back as \(again.map { "\($0)" } ?? "an error")")
    return 0
}

/// The deepest nesting of `[` and `{` (an upper bound on the flow nesting: quotes and comments
/// are not told apart).
func nestingDepth(_ bytes: [UInt8]) -> Int {
    var depth = 0, deepest = 0
    for byte in bytes {
        if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { depth += 1; deepest = max(deepest, depth) }
        if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { depth = max(0, depth - 1) }
    }
    return deepest
}
