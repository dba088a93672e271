/// How a line longer than the model's largest bucket is cut for translation: into pieces of at
/// most `limit` tokens, each ending at a word's end (a token without the BPE mark `@@`) when one
/// lies in the second half of the window, so that no piece starts inside a word. The pieces'
/// translations are joined in order; nothing is dropped.
public enum SourcePieces {
    /// Token ranges covering 0..<count, each at most `limit` long (one empty range for count 0).
    /// - Parameter isWordEnd: whether token i ends a word.
    /// - Complexity: O(count).
    public static func split(count: Int, limit: Int, isWordEnd: (Int) -> Bool) -> [Range<Int>] {
        precondition(limit >= 1, "pieces need a limit of at least 1")
        var pieces = [Range<Int>]()
        var start = 0
        while count - start > limit {
            var end = start + limit
            var cut = end
            while cut > start + max(1, limit / 2) && !isWordEnd(cut - 1) { cut -= 1 }
            if isWordEnd(cut - 1) { end = cut }
            pieces.append(start..<end)
            start = end
        }
        pieces.append(start..<count)
        return pieces
    }

    /// Whether a BPE token ends its word (subword-nmt marks the others with a final `@@`).
    public static func endsWord(_ token: String) -> Bool { !token.hasSuffix("@@") }
}
