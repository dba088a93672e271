/// The sentence each row of a decoder step belongs to, which picks the block of source states its
/// attention reads. Training packs step t's rows as the first counts[t] sentences in the
/// decoder's order and lays the source states out in that order, so row i is sentence i
/// (`inOrder`); decoding keeps up to K rows per sentence and drops finished sentences, so it lists
/// them (`listed`), and the rows of a sentence share its source states without copies.
public enum DecoderRows: Sendable {
    case inOrder
    case listed([Int32])

    /// The sentence of row `r`.
    public func sentence(ofRow r: Int) -> Int {
        switch self {
        case .inOrder: return r
        case .listed(let sentences): return Int(sentences[r])
        }
    }

    /// Calls `body` with the sentences of the first `count` rows for a C kernel (nil: in order).
    func withSentences<Result>(_ count: Int, _ body: (UnsafePointer<Int32>?) -> Result) -> Result {
        switch self {
        case .inOrder:
            return body(nil)
        case .listed(let sentences):
            precondition(sentences.count >= count, "\(sentences.count) sentences listed for \(count) rows")
            return sentences.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
