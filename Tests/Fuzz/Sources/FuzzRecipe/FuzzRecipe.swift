import FuzzSupport
import IO
import ModelFiles

/// The recipe reader, `Recipe(contentsOf:)` (UTF-8 check, then `Recipe(yaml:path:)`).
///
/// Properties: a recipe is read or refused with a one-line `UserError`, never a crash; a recipe
/// that was read, written as a model directory's `config.yaml` (`Recipe.yaml`) and read again,
/// is the same recipe.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipe(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let path = Fuzz.scratchFile("recipe.yaml", bytes)
    guard let recipe = Fuzz.answer({ try Recipe(contentsOf: path) }) else { return 0 }
    let config = recipe.yaml
    let again = Fuzz.answer { try Recipe(yaml: config, path: "config.yaml") }
    Fuzz.require(again == recipe, "the recipe \(String(decoding: bytes, as: UTF8.self).debugDescription) gave config.yaml \(config.debugDescription), read back as \(again.map { "\($0)" } ?? "an error")")
    return 0
}

