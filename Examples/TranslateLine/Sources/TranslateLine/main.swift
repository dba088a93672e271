#if canImport(Glibc)
import Glibc
#endif
import IO
import ModelFiles
import Translation

// TranslateLine MODEL_DIR "a sentence" ["another" ...]: one translation per line, best first.
let arguments = CommandLine.arguments.dropFirst()
guard let model = arguments.first, arguments.count > 1 else {
    print("usage: TranslateLine MODEL_DIR LINE...")
    exit(1)
}
do {
    var options = TranslationOptions()
    options.beam = 5                      // nil: the recipe's decode.beam
    options.nBest = 2                     // the two best of each line
    options.quiet = true
    let translator = try Translator(directory: try ModelDirectory(path: model), options: options)
    for (line, outputs) in zip(arguments.dropFirst(), try translator.translations(LineBuffer(lines: Array(arguments.dropFirst())))) {
        print(line)
        for output in outputs { print("  \(output.text)    (score \(output.score))") }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
