import IO
import Text

/// The training filters of `nmt prepare`, applied one pair at a time in `DropReason` order, so
/// that a stream of chunks is filtered exactly as the whole corpus would be.
///
/// Duplicates are found by a 64-bit hash of the pair's comparison keys (8 bytes a distinct pair
/// kept, about 300 MB for WMT's 36 M pairs, where the keys themselves would take gigabytes). Two
/// distinct pairs share a hash with probability about n²/2⁶⁵: 3·10⁻⁵ for 36 M pairs, when one of
/// them would be dropped as a duplicate.
struct PairFilter {
    let options: PrepareOptions
    /// The comparison keys of the sources of dev and test.
    let heldOut: Set<String>
    private var seen = Set<UInt64>()
    private(set) var dropped: [DropReason: Int] = Dictionary(uniqueKeysWithValues: DropReason.allCases.map { ($0, 0) })
    private(set) var read = 0

    init(options: PrepareOptions, heldOut: Set<String>) {
        self.options = options
        self.heldOut = heldOut
    }

    /// Filters one chunk of pairs: the kept ones, in order.
    mutating func filter(_ source: LineBuffer, _ target: LineBuffer) -> (source: LineBuffer, target: LineBuffer) {
        var kept = (source: LineBuffer(), target: LineBuffer())
        for i in 0..<source.count {
            let s = source[i], t = target[i]
            read += 1
            if let reason = reason(s, t) {
                dropped[reason]! += 1
            } else {
                kept.source.append(s.utf8)
                kept.target.append(t.utf8)
            }
        }
        return kept
    }

    /// Why the pair is dropped (the first filter that drops it), nil when it is kept.
    mutating func reason(_ s: String, _ t: String) -> DropReason? {
        let sourceKey = CorpusPreparation.comparisonKey(s, options.tokenizer)
        let targetKey = CorpusPreparation.comparisonKey(t, options.tokenizer)
        let sourceLength = s.isEmpty ? 0 : s.utf8.reduce(1) { $1 == 0x20 ? $0 + 1 : $0 }
        let targetLength = t.isEmpty ? 0 : t.utf8.reduce(1) { $1 == 0x20 ? $0 + 1 : $0 }
        if sourceLength == 0 || targetLength == 0 { return .empty }
        if sourceKey == targetKey { return .untranslated }
        if sourceLength > options.maxLength || targetLength > options.maxLength { return .tooLong }
        if Double(max(sourceLength, targetLength)) > options.lengthRatio * Double(min(sourceLength, targetLength)) {
            return .lengthRatio
        }
        if !seen.insert(Self.pairHash(sourceKey, targetKey)).inserted { return .duplicate }
        if heldOut.contains(sourceKey) { return .inDevOrTest }
        return nil
    }

    /// FNV-1a of `source \u{1} target`, finished by SplitMix64's mixer so that every bit of the
    /// 64 depends on every byte (FNV alone leaves the low bits weak for short keys).
    static func pairHash(_ sourceKey: String, _ targetKey: String) -> UInt64 {
        var hash = FNV1a()
        hash.add(Array(sourceKey.utf8))
        hash.add(unit: 1)
        hash.add(Array(targetKey.utf8))
        var z = hash.value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
