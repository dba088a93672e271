import IO

/// The text pipeline of one side of the corpus, raw line → model tokens:
/// NFC → (invisible characters removed) → Moses or reversible tokenization → (lowercase) → (BPE).
///
/// `nmt prepare` runs it on training data and `nmt translate` on the user's input, so both see
/// text prepared the same way; `postprocessor` is the way back, for the model's output. Lowercasing
/// comes after tokenization because Moses' rules read case (a nonbreaking prefix is kept when the
/// next word starts in lower case).
public struct Preprocessor: Sendable {
    /// Reversible (joiner marks and escapes) or plain Moses tokens.
    public let kind: TokenizerKind
    public let lowercase: Bool
    /// Drop zero-width and other invisible format characters (U+200B, U+2060, U+FEFF, U+00AD)
    /// that would otherwise become tokens of their own, and the C0 control characters that are not
    /// whitespace (which Moses deletes and reversible tokens would keep as escapes).
    public let removeInvisible: Bool
    public let bpe: BPE?
    let reversible: ReversibleTokenizer

    /// - Parameter kind: `.moses` gives sacremoses' tokens; `.reversible` the same boundaries with
    ///   the marks that let `postprocessor` restore the text.
    public init(tokenizer: MosesTokenizer, kind: TokenizerKind = .moses, lowercase: Bool = false,
                removeInvisible: Bool = true, bpe: BPE? = nil) {
        self.reversible = ReversibleTokenizer(moses: tokenizer)
        self.kind = kind
        self.lowercase = lowercase
        self.removeInvisible = removeInvisible
        self.bpe = bpe
    }

    /// The Moses tokenizer underneath either kind.
    public var tokenizer: MosesTokenizer { reversible.moses }

    /// The inverse pipeline, model tokens → text: BPE pieces joined (when this one applies BPE),
    /// then detokenized the way this one tokenized. (Lowercasing and the removed characters do
    /// not come back.)
    public var postprocessor: Postprocessor {
        Postprocessor(language: tokenizer.language, kind: kind, joinsSubwords: bpe != nil)
    }

    /// Per-thread scratch space: a line allocates nothing once these have grown.
    public struct Workspace {
        var tokenizer = ReversibleTokenizer.Workspace()
        var bpeCache = BPE.Cache()
        var first = [UInt8]()
        var second = [UInt8]()
        public init() {}
    }

    /// Appends the processed form of one line (well-formed UTF-8, no line end) to `output`.
    public func process(_ line: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [UInt8]) {
        workspace.first.removeAll(keepingCapacity: true)
        Normalizer.nfc(line, into: &workspace.first)
        if removeInvisible { Preprocessor.removeInvisible(&workspace.first) }
        workspace.second.removeAll(keepingCapacity: true)
        workspace.first.withUnsafeBufferPointer {
            switch kind {
            case .reversible: reversible.tokenize($0, workspace: &workspace.tokenizer, into: &workspace.second)
            case .moses: tokenizer.tokenize($0, workspace: &workspace.tokenizer.moses, into: &workspace.second)
            }
        }
        if lowercase {
            workspace.first.removeAll(keepingCapacity: true)
            workspace.second.withUnsafeBufferPointer { Normalizer.lowercase($0, into: &workspace.first) }
            swap(&workspace.first, &workspace.second)
        }
        if let bpe {
            workspace.second.withUnsafeBufferPointer { bpe.apply($0, cache: &workspace.bpeCache, into: &output) }
        } else {
            output.append(contentsOf: workspace.second)
        }
    }

    /// Processes every line on `threads` threads, keeping the order.
    public func process(_ lines: LineBuffer, threads: Int = ParallelLines.defaultThreads) -> LineBuffer {
        ParallelLines.map(lines, threads: threads, makeState: { Workspace() }) { _, line, workspace, output in
            self.process(line, workspace: &workspace, into: &output)
        }
    }

    /// Removes U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE,
    /// U+00AD SOFT HYPHEN (UTF-8 E2 80 8B, E2 81 A0, EF BB BF, C2 AD) and the control characters
    /// U+0000–U+001F that are not whitespace to Python (all but \t \n \v \f \r and U+001C–U+001F)
    /// in place. Moses deletes those controls anyway, so its tokens do not change.
    static func removeInvisible(_ bytes: inout [UInt8]) {
        var any: UInt8 = 0
        var control = false
        for byte in bytes {
            any |= byte
            control = control || isDeletedControl(byte)
        }
        if any < 0x80 && !control { return }
        var write = 0
        var read = 0
        let n = bytes.count
        while read < n {
            let b = bytes[read]
            if b == 0xE2 && read + 2 < n
                && ((bytes[read + 1] == 0x80 && bytes[read + 2] == 0x8B) || (bytes[read + 1] == 0x81 && bytes[read + 2] == 0xA0)) {
                read += 3; continue
            }
            if b == 0xEF && read + 2 < n && bytes[read + 1] == 0xBB && bytes[read + 2] == 0xBF { read += 3; continue }
            if b == 0xC2 && read + 1 < n && bytes[read + 1] == 0xAD { read += 2; continue }
            if isDeletedControl(b) { read += 1; continue }
            bytes[write] = b
            write += 1
            read += 1
        }
        bytes.removeLast(n - write)
    }

    /// U+0000–U+0008, U+000E–U+001B: the controls Moses deletes rather than treating as spaces.
    @inline(__always)
    static func isDeletedControl(_ byte: UInt8) -> Bool {
        byte < 0x09 || (byte >= 0x0E && byte < 0x1C)
    }
}
