import IO

/// The way back from model tokens to text, the inverse of `Preprocessor`: BPE continuation marks
/// removed (`@@ `, as `sed -r 's/(@@ )|(@@ ?$)//g'` does for subword-nmt), then detokenization of
/// the same kind as the tokenization (`ReversibleDetokenizer`, or `MosesDetokenizer`).
///
/// `nmt translate` runs it on the model's output and `nmt train` on its dev translations before
/// BLEU, so both print and score what a user reads. With reversible tokens the round trip
/// `Postprocessor(Preprocessor(x))` gives back NFC(x) exactly (with neither lowercasing nor
/// invisible characters to remove); with Moses tokens the spaces are guessed.
public struct Postprocessor: Sendable {
    /// How the tokens were made, hence how to detokenize them.
    public let kind: TokenizerKind
    /// Whether the tokens are BPE pieces to join first.
    public let joinsSubwords: Bool
    let moses: MosesDetokenizer
    let reversible = ReversibleDetokenizer()

    public init(language: MosesLanguage, kind: TokenizerKind, joinsSubwords: Bool) {
        self.kind = kind
        self.joinsSubwords = joinsSubwords
        self.moses = MosesDetokenizer(language: language)
    }

    /// - Throws: `MosesError.unsupportedLanguage` for a language other than "en" and "fr".
    public init(language: String, kind: TokenizerKind, joinsSubwords: Bool) throws {
        self.init(language: try MosesLanguage(code: language), kind: kind, joinsSubwords: joinsSubwords)
    }

    /// Per-thread scratch space: a line allocates nothing once these have grown.
    public struct Workspace {
        var moses = MosesDetokenizer.Workspace()
        var joined = [UInt8]()
        public init() {}
    }

    /// Appends the text of one line of tokens (well-formed UTF-8, no line end) to `output`.
    public func process(_ tokens: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [UInt8]) {
        guard joinsSubwords else { return detokenize(tokens, workspace: &workspace.moses, into: &output) }
        workspace.joined.removeAll(keepingCapacity: true)
        Self.joinSubwords(tokens, into: &workspace.joined)
        workspace.joined.withUnsafeBufferPointer { detokenize($0, workspace: &workspace.moses, into: &output) }
    }

    /// The text of one line of tokens.
    public func process(_ tokens: String) -> String {
        var workspace = Workspace()
        var output = [UInt8]()
        Array(tokens.utf8).withUnsafeBufferPointer { process($0, workspace: &workspace, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Processes every line on `threads` threads, keeping the order.
    public func process(_ lines: LineBuffer, threads: Int = ParallelLines.defaultThreads) -> LineBuffer {
        ParallelLines.map(lines, threads: threads, makeState: { Workspace() }) { _, line, workspace, output in
            self.process(line, workspace: &workspace, into: &output)
        }
    }

    @inline(__always)
    func detokenize(_ tokens: UnsafeBufferPointer<UInt8>, workspace: inout MosesDetokenizer.Workspace,
                    into output: inout [UInt8]) {
        switch kind {
        case .reversible: reversible.detokenize(tokens, into: &output)
        case .moses: moses.detokenize(tokens, workspace: &workspace, into: &output)
        }
    }

    /// Appends `bytes` without BPE continuation marks: each `@@ `, and `@@` or `@@ ` at the end,
    /// leftmost first (so `a@@@ b` gives `a@b`, as with sed).
    static func joinSubwords(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let count = bytes.count
        var index = 0
        var copied = 0
        while index + 1 < count {
            guard bytes[index] == 0x40, bytes[index + 1] == 0x40 else { index += 1; continue }
            let withSpace = index + 2 < count && bytes[index + 2] == 0x20
            let atEnd = index + 2 == count || (withSpace && index + 3 == count)
            guard withSpace || atEnd else { index += 1; continue }
            output.append(contentsOf: bytes[copied..<index])
            index += withSpace ? 3 : 2
            copied = index
        }
        output.append(contentsOf: bytes[copied..<count])
    }
}
