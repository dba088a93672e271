/// Two reusable scalar buffers and the passes that emulate one Python `re.sub` each.
///
/// sacremoses is a chain of regular-expression substitutions. Python's `sub` scans left to right
/// and never overlaps matches: a match consumes its context characters too, so `([^N]),` on "a,,b"
/// rewrites only the first comma. Each pass here does the same for one shape of pattern, reading
/// `current[0..<length]` and writing the result into the spare buffer, which then becomes current.
/// The buffers only grow, so once warm a line allocates nothing.
struct ScalarRewriter {
    /// The text; only `current[0..<length]` is meaningful.
    private(set) var current: [UInt32] = []
    private var spare: [UInt32] = []
    private(set) var length = 0

    /// Replaces the text with what `body` writes (at most `bound` scalars); `body` returns the count.
    @inline(__always)
    mutating func fill(bound: Int, _ body: (UnsafeMutablePointer<UInt32>) -> Int) {
        Self.reserve(&current, bound)
        length = current.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    /// Runs one pass over the text: `pass` reads the text and writes at most `bound` scalars.
    @inline(__always)
    mutating func rewrite(bound: Int, _ pass: (UnsafeBufferPointer<UInt32>, UnsafeMutablePointer<UInt32>) -> Int) {
        Self.reserve(&spare, bound)
        let length = self.length
        let newLength = current.withUnsafeBufferPointer { source in
            spare.withUnsafeMutableBufferPointer { destination in
                pass(UnsafeBufferPointer(rebasing: source[0..<length]), destination.baseAddress!)
            }
        }
        swap(&current, &spare)
        self.length = newLength
    }

    /// Calls `body` with the text.
    @inline(__always)
    func withText<R>(_ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        current.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<length])) }
    }

    private static func reserve(_ buffer: inout [UInt32], _ count: Int) {
        if buffer.count < count { buffer = [UInt32](repeating: 0, count: max(count, buffer.count * 2, 256)) }
    }

    /// One pass of `(left)mark(right)` → `left␣?mark␣?right`, where `left` and `right` are one-scalar
    /// classes, either of which may be absent (`hasLeft`, `hasRight`), and `spaceBefore`/`spaceAfter`
    /// say which spaces the replacement puts around the mark. sacremoses' comma and apostrophe rules
    /// all have this shape, e.g. `([^{IsN}])[,]` → `\1 , `.
    /// - Returns: the output length, at most `2 * source.count + 2`.
    @inline(__always)
    static func padMark(
        _ source: UnsafeBufferPointer<UInt32>, into destination: UnsafeMutablePointer<UInt32>, mark: UInt32,
        hasLeft: Bool, left: (UInt32) -> Bool, hasRight: Bool, right: (UInt32) -> Bool,
        spaceBefore: Bool, spaceAfter: Bool
    ) -> Int {
        let count = source.count
        var written = 0
        var copied = 0                                   // source[..<copied] is already written
        var index = hasLeft ? 1 : 0                      // candidate position of the mark
        while index < count {
            if source[index] != mark
                || (hasLeft && !left(source[index - 1]))
                || (hasRight && (index + 1 >= count || !right(source[index + 1]))) {
                index += 1
                continue
            }
            // The match is [index - 1 or index, index + 1 or index + 2); the left context is copied
            // with the text before it.
            (destination + written).update(from: source.baseAddress! + copied, count: index - copied)
            written += index - copied
            if spaceBefore { destination[written] = 0x20; written += 1 }
            destination[written] = mark
            written += 1
            if spaceAfter { destination[written] = 0x20; written += 1 }
            copied = index + 1
            if hasRight {
                destination[written] = source[index + 1]
                written += 1
                copied += 1
            }
            // A left context must not be a scalar this match consumed.
            index = copied + (hasLeft ? 1 : 0)
        }
        (destination + written).update(from: source.baseAddress! + copied, count: count - copied)
        return written + count - copied
    }

    /// One pass of a literal replacement, `pattern` → `replacement` (Python `str.replace` or a
    /// `re.sub` without metacharacters), leftmost matches first, never overlapping.
    /// - Returns: the output length, at most `source.count * max(1, replacement.count)`.
    static func replace(
        _ source: UnsafeBufferPointer<UInt32>, into destination: UnsafeMutablePointer<UInt32>,
        _ pattern: [UInt32], with replacement: [UInt32]
    ) -> Int {
        let count = source.count
        let patternLength = pattern.count
        var written = 0
        var index = 0
        pattern.withUnsafeBufferPointer { pattern in
            while index < count {
                if index + patternLength <= count && source[index] == pattern[0]
                    && (1..<patternLength).allSatisfy({ source[index + $0] == pattern[$0] }) {
                    for scalar in replacement { destination[written] = scalar; written += 1 }
                    index += patternLength
                } else {
                    destination[written] = source[index]
                    written += 1
                    index += 1
                }
            }
        }
        return written
    }

    /// Splits `text` on spaces (the only whitespace left once a line is normalized) into `tokens`,
    /// as start/end pairs; runs of spaces separate like one.
    /// - Returns: the number of tokens.
    static func splitOnSpaces(_ text: UnsafeBufferPointer<UInt32>, into tokens: inout [Int]) -> Int {
        tokens.removeAll(keepingCapacity: true)
        var index = 0
        let count = text.count
        while index < count {
            while index < count && text[index] == 0x20 { index += 1 }
            if index == count { break }
            let start = index
            while index < count && text[index] != 0x20 { index += 1 }
            tokens.append(start)
            tokens.append(index)
        }
        return tokens.count / 2
    }
}
