import FuzzSupport
import IO
import Model
import ModelFiles
import Tensor
import Text
import Translation

/// `nmt translate`'s line handling (`Translator.translate(input:output:)`: the line reader, UTF-8
/// repair, tokenization, pieces of long lines, batches, search, detokenization, the writer), with
/// tiny random models made at start-up. The input's first byte picks the model and settings.
///
/// Property: exactly one output line per input line (as `LineBuffer` counts them: `\n` or `\r\n`
/// ends, a leading BOM dropped, a last line without `\n` counted), each well-formed UTF-8.
nonisolated(unsafe) let translators: [Translator] = {   // libFuzzer calls from one thread
    let words = ["the", "cat", "sat", "on", "mat", "a", "dog", ".", ",", "'", "l", "￭'￭", "￭.", "％00A0", "th@@", "e"]
    let french = ["le", "chat", "assis", "sur", "tapis", "un", "chien", ".", ",", "￭", "％000D", "％0009", "l", "￭'", "ch@@", "at"]
    let codes = BPECodes(merges: [("t", "h"), ("th", "e</w>"), ("c", "a"), ("ca", "t</w>")])
    // (tokenizer, lowercase, BPE, beam, batch size, replace <unk>, bias of <unk>)
    let settings: [(TokenizerKind, Bool, Bool, Int, Int, Bool, Float)] = [
        (.reversible, false, true, 3, 2, true, 1),
        (.moses, true, false, 1, 1, false, 0),
        (.reversible, false, false, 2, 5, true, 3),
        (.moses, false, true, 1, 3, true, 2),
    ]
    return settings.enumerated().map { index, setting in
        var recipe = Recipe()
        recipe.name = "fuzz"
        recipe.data.tokenizer = setting.0
        recipe.data.lowercase = setting.1
        recipe.data.buckets = [[4, 6], [6, 8]]
        recipe.model.embedding = 8
        recipe.model.hidden = 8
        recipe.model.layers = 1 + index % 2
        recipe.model.dropout = 0
        let directory = try! ModelDirectory.create(
            path: "\(Fuzz.scratch)/model\(index)", recipe: recipe,
            sourceVocabulary: Vocabulary(tokens: Vocabulary.specials + words),
            targetVocabulary: Vocabulary(tokens: Vocabulary.specials + french), codes: setting.2 ? codes : nil)
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: directory.configuration, layout: &layout)
        let store = ParameterStore(layout: layout)
        store.initializeUniform(scale: 0.8, seed: UInt64(index + 1))
        store.value(model.outputBias)[0, Int(Vocabulary.eosID)] = -1
        store.value(model.outputBias)[0, Int(Vocabulary.unkID)] = setting.6
        var checkpoint = Checkpoint()
        directory.stamp(&checkpoint, layout: layout)
        checkpoint.tensors.append(("parameters", store.values))
        try! checkpoint.write(to: directory.checkpointPath(.last))
        var options = TranslationOptions()
        options.beam = setting.3
        options.batchSize = setting.4
        options.replaceUnknown = setting.5
        options.threads = 1
        options.quiet = true
        return try! Translator(directory: directory, options: options)
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranslate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let translator = translators[Int(bytes.first ?? 0) % translators.count]
    let input = Fuzz.scratchFile("input.txt", bytes)
    let output = "\(Fuzz.scratch)/output.txt"
    guard let summary = Fuzz.answer({ try translator.translate(input: input, output: output) }) else {
        Fuzz.require(false, "translate refused a readable input")
        return 0
    }
    let expected = lineCount(bytes)
    let written = try! FileSystem.readBytes(output)
    let ends = written.count { $0 == 0x0A }
    Fuzz.require(summary.lines == expected && ends == expected && (written.isEmpty || written.last == 0x0A),
                 "\(expected) input lines gave \(ends) output lines (summary: \(summary.lines)) for \(String(decoding: bytes, as: UTF8.self).debugDescription): \(String(decoding: written, as: UTF8.self).debugDescription)")
    Fuzz.require(Fuzz.isUTF8(written), "invalid UTF-8 in the translation")
    return 0
}

/// The number of lines in `bytes`: its `\n`s, plus a last line without one; a BOM is no line.
func lineCount(_ bytes: [UInt8]) -> Int {
    let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    return text.count { $0 == 0x0A } + (text.isEmpty || text.last == 0x0A ? 0 : 1)
}
