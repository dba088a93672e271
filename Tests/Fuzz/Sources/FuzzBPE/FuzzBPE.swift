import FuzzSupport
import IO
import Text

/// BPE codes parsing and apply. The input is a codes file, a NUL, then text lines to segment.
///
/// Properties: a codes file is read or refused with a `UserError`, never a crash; codes that were
/// read survive `fileContents()` and a second read unchanged; every text line gives one line;
/// a small cache that starts again gives what a large one gives; and for a line of words
/// (single spaces, no `@`, no line-break character) removing the separators gives the line back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBPE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let parts = Fuzz.split(Fuzz.bytes(data, size), parts: 2)
    let path = Fuzz.scratchFile("codes", parts[0])
    guard let codes = Fuzz.answer({ try BPECodes(contentsOf: path) }) else { return 0 }
    let again = Fuzz.scratchFile("codes.again", codes.fileContents())
    let reread = Fuzz.answer { try BPECodes(contentsOf: again) }
    Fuzz.require(reread == codes, "codes \(codes.merges) written as \(String(decoding: codes.fileContents(), as: UTF8.self).debugDescription) read back as \(String(describing: reread?.merges))")
    let bpe = BPE(codes: codes)
    let lines = Fuzz.lines(parts.count > 1 ? parts[1] : [])
    var large = BPE.Cache()
    var small = BPE.Cache(capacity: 2)
    for i in 0..<lines.count {
        let line = lines[i]
        var segmented = [UInt8]()
        var again = [UInt8]()
        lines.withLine(i) {
            bpe.apply($0, cache: &large, into: &segmented)
            bpe.apply($0, cache: &small, into: &again)
        }
        let text = String(decoding: segmented, as: UTF8.self)
        Fuzz.require(segmented == again, "a cache of 2 words gave \(String(decoding: again, as: UTF8.self).debugDescription), a large one \(text.debugDescription)")
        Fuzz.require(Fuzz.isUTF8(segmented), "invalid UTF-8 from \(line.debugDescription): \(text.debugDescription)")
        Fuzz.require(!segmented.contains(0x0A), "a line end in the segmentation of \(line.debugDescription)")
        if isPlainWords(line) {
            Fuzz.require(BPE.removeSeparators(text) == line, "\(line.debugDescription) → \(text.debugDescription) → \(BPE.removeSeparators(text).debugDescription)")
            Fuzz.require(!text.contains("  ") && !text.hasSuffix(" "), "an empty unit in \(text.debugDescription)")
        }
    }
    return 0
}

/// Words separated by single spaces, without `@` or any character apply-bpe reads as a line end.
func isPlainWords(_ line: String) -> Bool {
    !line.isEmpty && !line.hasPrefix(" ") && !line.hasSuffix(" ") && !line.contains("  ") && !line.contains("@")
        && line.unicodeScalars.allSatisfy { $0.value >= 0x20 && ![0x85, 0x2028, 0x2029].contains($0.value) }
}
