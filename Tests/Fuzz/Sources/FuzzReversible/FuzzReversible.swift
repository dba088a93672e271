import FuzzSupport
import IO
import Text

/// The reversible tokenizer and detokenizer, English and French, through `Preprocessor` and
/// `Postprocessor` as `nmt tokenize --reversible [--detokenize]` runs them.
///
/// Properties: detokenize(tokenize(x)) == NFC(x) for every line x; no token holds a space (a
/// single space between tokens); removing the marks gives Moses' own tokens (`mosesTokens`;
/// text spelling sacremoses' `DOT…MULTI` marker aside, as documented); the detokenizer takes any
/// line without crashing and gives one line.
let preprocessors = ["en", "fr"].map {
    Preprocessor(tokenizer: try! MosesTokenizer(language: $0), kind: .reversible, lowercase: false, removeInvisible: false)
}
let postprocessor = Postprocessor(language: .english, kind: .reversible, joinsSubwords: false)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReversible(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let lines = Fuzz.lines(Fuzz.bytes(data, size))
    for preprocessor in preprocessors {
        var preprocessorWorkspace = Preprocessor.Workspace()
        var postprocessorWorkspace = Postprocessor.Workspace()
        for i in 0..<lines.count {
            let line = lines[i]
            let normalized = Normalizer.nfc(line)
            var tokens = [UInt8]()
            lines.withLine(i) { preprocessor.process($0, workspace: &preprocessorWorkspace, into: &tokens) }
            let tokenText = String(decoding: tokens, as: UTF8.self)
            let language = preprocessor.tokenizer.language
            Fuzz.require(Fuzz.isUTF8(tokens) && !tokens.contains(0x0A), "\(language): bad tokens \(tokenText.debugDescription)")
            Fuzz.require(tokens.first != 0x20 && tokens.last != 0x20
                         && !zip(tokens, tokens.dropFirst()).contains { $0 == 0x20 && $1 == 0x20 },
                         "\(language): an empty token in \(tokenText.debugDescription) of \(line.debugDescription)")
            var text = [UInt8]()
            tokens.withUnsafeBufferPointer { postprocessor.process($0, workspace: &postprocessorWorkspace, into: &text) }
            Fuzz.require(text == Array(normalized.utf8),
                         "\(language): round trip of \(normalized.debugDescription) gave \(String(decoding: text, as: UTF8.self).debugDescription) through \(tokenText.debugDescription)")
            // The documented exception: text spelling sacremoses' DOT…MULTI marker, also once Moses
            // has deleted the control characters inside it (`D\0OTMULTI`).
            // (Searched in the bytes: as Characters, a prepended U+0600 makes "\u{0600}D" one grapheme
            // and hides the D from String.contains.)
            let visible = Array(String(normalized.unicodeScalars.filter { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) }).utf8)
            let spellsMarker = visible.count >= 3 && (0...(visible.count - 3)).contains { visible[$0..<($0 + 3)].elementsEqual("DOT".utf8) }
            if !spellsMarker {
                let moses = preprocessor.tokenizer.tokenize(normalized).utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
                let marked = ReversibleFormat.mosesTokens(tokenText)
                Fuzz.require(marked == moses, "\(language): reversible tokens \(tokenText.debugDescription) stand for \(marked), Moses gives \(moses)")
            }
            // Any line is a detokenizer's input (a model may write anything).
            var any = [UInt8]()
            lines.withLine(i) { postprocessor.process($0, workspace: &postprocessorWorkspace, into: &any) }
            Fuzz.require(Fuzz.isUTF8(any) && !any.contains(0x0A), "detokenize: bad text from \(line.debugDescription)")
        }
    }
    return 0
}
