import FuzzSupport
import IO
import Text

/// Moses tokenization and detokenization, English and French, of every line of the input.
///
/// Properties: no crash; one line out per line in (no line end in an output); well-formed UTF-8
/// out; a workspace reused from line to line gives what a fresh one gives. (Not "single spaces
/// between tokens": sacremoses itself ends `LED.'` with a space, `LED . ' `, and we match it.)
let tokenizers = ["en", "fr"].map { try! MosesTokenizer(language: $0) }
let detokenizers = ["en", "fr"].map { try! MosesDetokenizer(language: $0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMoses(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let lines = Fuzz.lines(Fuzz.bytes(data, size))
    for (tokenizer, detokenizer) in zip(tokenizers, detokenizers) {
        var tokenizerWorkspace = MosesTokenizer.Workspace()
        var detokenizerWorkspace = MosesDetokenizer.Workspace()
        for i in 0..<lines.count {
            let line = lines[i]
            var tokens = [UInt8]()
            lines.withLine(i) { tokenizer.tokenize($0, workspace: &tokenizerWorkspace, into: &tokens) }
            check(tokens, fresh: tokenizer.tokenize(line), what: "tokenize \(tokenizer.language)", line: line)
            // Detokenize both the line itself (any text is a detokenizer's input) and its tokens.
            for input in [Array(line.utf8), tokens] {
                var text = [UInt8]()
                input.withUnsafeBufferPointer { detokenizer.detokenize($0, workspace: &detokenizerWorkspace, into: &text) }
                let inputText = String(decoding: input, as: UTF8.self)
                check(text, fresh: detokenizer.detokenize(inputText), what: "detokenize \(detokenizer.language)", line: inputText)
            }
        }
    }
    return 0
}

/// One line out, well-formed, equal to what a fresh workspace gives.
func check(_ output: [UInt8], fresh: String, what: String, line: String) {
    Fuzz.require(!output.contains(0x0A), "\(what): a line end in the output of \(line.debugDescription)")
    Fuzz.require(Fuzz.isUTF8(output), "\(what): invalid UTF-8 out of \(line.debugDescription)")
    Fuzz.require(String(decoding: output, as: UTF8.self) == fresh,
                 "\(what): a reused workspace gave \(String(decoding: output, as: UTF8.self).debugDescription), a fresh one \(fresh.debugDescription), for \(line.debugDescription)")
}
