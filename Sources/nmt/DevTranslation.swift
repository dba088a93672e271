import ModelFiles
import Train
import Translation

/// How `nmt train` turns the prepared dev sources into text for dev BLEU: greedy decoding, then
/// BPE joined and detokenized as `nmt translate --beam 1` would print it.
enum DevTranslation {
    static func make(directory: ModelDirectory, threads: Int) -> Trainer.DevTranslator? {
        guard let translator = try? PreparedSourceTranslator(directory: directory, threads: threads) else { return nil }
        return { model, parameters, sources in translator.translate(model: model, parameters: parameters, sources: sources) }
    }
}
