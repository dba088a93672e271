/// Which tokenization a pipeline uses: the recipe key `data.tokenizer` and `nmt prepare --tokenizer`.
///
/// - `reversible` (the default): Moses' token boundaries plus joiner marks and escapes
///   (`ReversibleTokenizer`), so that detokenization gives back the exact NFC input;
/// - `moses`: plain Moses tokens, identical to sacremoses (`MosesTokenizer`); its detokenizer
///   guesses the spaces (`MosesDetokenizer`) and loses, for example, French `’` (`l ’ image`).
public enum TokenizerKind: String, Sendable, CaseIterable {
    case reversible
    case moses
}
