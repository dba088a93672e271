import Eval
import FuzzSupport
import IO

/// The score inputs: hypothesis and reference files read as `nmt score` reads them
/// (`SegmentFile.lines`), then BLEU (both tokenizations, all smoothings, case or not, corpus and
/// sentence level) and chrF. The input is the hypotheses, a NUL, a reference, and optionally a
/// NUL and a second reference; its first byte picks the settings.
///
/// Properties: a file is read or refused with a `UserError`; references whose line count differs
/// from the hypotheses' are refused before scoring, as `ScoreCommand.run` does (the scorers
/// require aligned segments); every score is a number in [0, 100], BLEU's brevity penalty in
/// [0, 1]; the text line and the JSON render.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScore(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    guard let settings = bytes.first else { return 0 }
    let parts = Fuzz.split(Array(bytes.dropFirst()), parts: 3)
    guard parts.count >= 2,
          let hypotheses = Fuzz.answer({ try SegmentFile.lines(parts[0], path: "hyp") }),
          let references = Fuzz.answer({ try parts.dropFirst().enumerated().map { try SegmentFile.lines($1, path: "ref\($0)") } })
    else { return 0 }
    // ScoreCommand's rule: line counts must agree (ScoreError.lineCountMismatch), and there must be a line.
    if references.contains(where: { $0.count != hypotheses.count }) || hypotheses.isEmpty { return 0 }

    let lowercase = settings & 1 != 0
    let bleu = BLEU(tokenizer: settings & 2 != 0 ? .none : .mteval13a, lowercase: lowercase,
                    smoothing: [BLEU.Smoothing(name: "exp")!, BLEU.Smoothing(name: "floor")!,
                                BLEU.Smoothing(name: "add-k")!, BLEU.Smoothing(name: "none")!][Int(settings >> 2) & 3],
                    effectiveOrder: settings & 16 != 0)
    let preparedBLEU = bleu.references(references)
    var scores: [any MetricScore] = [bleu.corpusScore(hypotheses: hypotheses, references: preparedBLEU)]
    scores += bleu.statistics(hypotheses: hypotheses, references: preparedBLEU).map(bleu.score)
    for score in scores.compactMap({ $0 as? BLEUScore }) {
        Fuzz.require(score.bp >= 0 && score.bp <= 1, "brevity penalty \(score.bp)")
    }
    let chrF = CHRF(lowercase: lowercase)
    let preparedCHRF = chrF.references(references)
    scores.append(chrF.corpusScore(hypotheses: hypotheses, references: preparedCHRF))
    scores += chrF.statistics(hypotheses: hypotheses, references: preparedCHRF).map { CHRFScore(score: chrF.fScore($0), beta: chrF.beta) }
    let signature = bleu.signature(references: references.count)
    for score in scores {
        Fuzz.require(score.score >= 0 && score.score <= 100.000_000_1, "\(score.name) \(score.score) out of [0, 100]")
        Fuzz.require(!score.line(signature: signature, width: Int(settings >> 5)).contains("\n"), "a score line of several lines")
        _ = score.json(signature: signature).rendered(indent: 1)
    }
    return 0
}
