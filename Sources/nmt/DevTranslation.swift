import Train

/// How `nmt train` turns the prepared dev sources into text for dev BLEU. Until the decoders land
/// (issue 5) there is no translator, and dev BLEU is reported as 0.
enum DevTranslation {
    static func make(directory: ModelDirectory, threads: Int) -> Trainer.DevTranslator? { nil }
}
