import IO

/// Learns byte pair encoding merges from text (Sennrich et al. 2016, §3.2), giving the same merges
/// as subword-nmt 0.3.8's `learn-bpe -s N` (no dictionary input, no `--total-symbols`).
///
/// It runs learn_bpe.py's algorithm step for step over integer ids: the vocabulary of words with
/// `</w>` on their last character, the pair counts with their pruning (`BPEPairStatistics`), the
/// per-pair word counts (`BPEPairIndex`), `replace_pair`'s regular expression and the incremental
/// `update_pair_statistics` with its quirks (they can make counts inexact; we keep them so).
public enum BPELearner {
    /// Learns up to `merges` merges from the words of `files`, taken together as if concatenated.
    ///
    /// Words are what subword-nmt reads: each line split at spaces (and at `\r`), empty words
    /// skipped. A character that ends a line for Python's `codecs` (`\v`, `\f`, U+001C–U+001E,
    /// U+0085, U+2028, U+2029) also ends the word it closes, as in subword-nmt. (`LineBuffer` drops
    /// a byte-order mark that subword-nmt would keep as part of the first word.)
    /// Learning stops early when the best pair's frequency falls below `minFrequency` (subword-nmt
    /// prints "no pair has frequency >= 2. Stopping") or when no pair is left at all (where
    /// subword-nmt fails with an exception); then fewer merges come back.
    /// - Parameter progress: called after each merge with the number of merges made so far.
    /// - Complexity: O(text length) to count words, then per merge about O(occurrences of the pairs
    ///   it touches); 16,000 merges over 1.7 M tokens (150 k distinct words) take well under a second.
    public static func learn(from files: [LineBuffer], merges: Int, minFrequency: Int = 2,
                             progress: ((Int) -> Void)? = nil) -> BPECodes {
        var state = State(vocabulary: countWords(files))
        return state.learn(merges: merges, minFrequency: minFrequency, progress: progress)
    }

    /// The distinct words of `files` and their counts, in first-seen order.
    static func countWords(_ files: [LineBuffer]) -> (words: ByteStringTable, counts: [Int]) {
        var words = ByteStringTable(capacity: 1 << 16)
        var counts: [Int] = []
        for file in files {
            file.bytes.withUnsafeBufferPointer { all in
                for index in 0..<file.count {
                    let line = UnsafeBufferPointer(rebasing: all[file.range(index)])
                    forEachWord(in: line) { word in
                        let (id, inserted) = words.intern(word)
                        if inserted { counts.append(1) } else { counts[id] += 1 }
                    }
                }
            }
        }
        return (words, counts)
    }

    /// Calls `body` with each non-empty word of `line`: `line.strip('\r\n ').split(' ')` on each of
    /// the lines `codecs.readline` would make of it.
    @inline(__always)
    static func forEachWord(in line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        var i = 0
        while i < line.count {
            let byte = line[i]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                if i > start { body(UnsafeBufferPointer(rebasing: line[start..<i])) }
                i += 1
                start = i
            } else if byte < 0x20 || byte == 0xC2 || byte == 0xE2 {
                let boundary = PythonText.lineBoundaryLength(line, at: i)
                if boundary == 0 { i += 1; continue }
                i += boundary
                body(UnsafeBufferPointer(rebasing: line[start..<i]))
                start = i
            } else {
                i += 1
            }
        }
        if i > start { body(UnsafeBufferPointer(rebasing: line[start..<i])) }
    }

    /// The learner's data: words as arrays of symbol ids, and subword-nmt's `stats`/`indices`.
    struct State {
        /// Symbol strings: characters, characters + `</w>`, and merged symbols.
        var symbols = ByteStringTable(capacity: 1 << 14)
        /// The symbols of word `j` are `wordSymbols[wordStart[j] ..< wordStart[j] + wordLength[j]]`;
        /// merging only shortens a word, so each keeps its place.
        var wordSymbols: [Int32] = []
        var wordStart: [Int] = []
        var wordLength: [Int] = []
        var wordFrequency: [Int] = []
        /// Words with a whitespace character (a tab, a no-break space…) need `replace_pair`'s
        /// regular expression; the others merge exactly the adjacent pairs (see `mergeAsRegex`).
        var wordHasSpace: [Bool] = []
        var statistics = BPEPairStatistics()
        var index = BPEPairIndex()

        /// Builds `sorted_vocab`: words by decreasing count (ties in first-seen order), each a tuple
        /// of characters with `</w>` attached to the last; then `get_pair_statistics`.
        init(vocabulary: (words: ByteStringTable, counts: [Int])) {
            let counts = vocabulary.counts
            let order = counts.indices.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
            wordSymbols.reserveCapacity(vocabulary.words.bytes.count)
            var scratch: [UInt8] = []
            for word in order {
                wordStart.append(wordSymbols.count)
                wordFrequency.append(counts[word])
                vocabulary.words.withString(word) { bytes in
                    wordHasSpace.append(PythonText.containsSpace(bytes))
                    var i = 0
                    while i < bytes.count {
                        let length = PythonText.characterLength(bytes, at: i)
                        scratch.removeAll(keepingCapacity: true)
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
                        i += length
                        if i == bytes.count { scratch.append(contentsOf: "</w>".utf8) }
                        wordSymbols.append(Int32(symbols.intern(scratch).id))
                    }
                }
                wordLength.append(wordSymbols.count - wordStart[wordStart.count - 1])
            }
            for j in 0..<wordStart.count {
                let start = wordStart[j]
                for k in start..<(start + wordLength[j] - 1) {
                    let p = statistics.pair(wordSymbols[k], wordSymbols[k + 1])
                    statistics.add(p, wordFrequency[j], symbols: symbols)
                    index.add(pair: p, word: j, 1)
                }
            }
            statistics.copyToBig()
        }

        /// learn_bpe.py's main loop.
        mutating func learn(merges: Int, minFrequency: Int, progress: ((Int) -> Void)?) -> BPECodes {
            var codes: [(String, String)] = []
            // subword-nmt's `max(stats.values())` raises on a text without pairs; we learn nothing.
            guard let largest = statistics.largestCount() else { return BPECodes(merges: []) }
            // "threshold is inspired by Zipfian assumption, but should only affect speed"
            var threshold = Double(largest) / 10
            var mostFrequent = -1
            var changed: [Int32] = []
            for i in 0..<merges {
                if !statistics.isEmpty { mostFrequent = statistics.best(symbols: symbols) }
                // "we probably missed the best pair because of pruning; go back to full statistics"
                if statistics.isEmpty || (i > 0 && Double(statistics.count(mostFrequent)!) < threshold) {
                    statistics.prune(threshold: threshold, symbols: symbols)
                    guard let best = statistics.restoreFromBig(symbols: symbols) else { break }
                    mostFrequent = best
                    threshold = Double(statistics.count(best)! * i) / (Double(i) + 10000.0)
                    statistics.prune(threshold: threshold, symbols: symbols)
                }
                if statistics.read(mostFrequent, symbols: symbols) < minFrequency { break }
                let first = Int(statistics.first[mostFrequent])
                let second = Int(statistics.second[mostFrequent])
                codes.append((string(first), string(second)))

                changed.removeAll(keepingCapacity: true)
                index.words(of: mostFrequent, into: &changed)
                merge(pair: mostFrequent, first: first, second: second, words: changed)
                statistics.set(mostFrequent, 0, symbols: symbols)
                if i % 100 == 0 { statistics.prune(threshold: threshold, symbols: symbols) }
                progress?(codes.count)
            }
            return BPECodes(merges: codes)
        }

        func string(_ symbol: Int) -> String {
            symbols.withString(symbol) { String(decoding: $0, as: UTF8.self) }
        }

        /// `replace_pair` then `update_pair_statistics` for the pair `p` = (`first`, `second`), word by
        /// word (each word's updates are independent of the others').
        mutating func merge(pair p: Int, first: Int, second: Int, words: [Int32]) {
            var joined = symbols.array(first)
            joined.append(contentsOf: symbols.array(second))
            let merged = Int32(symbols.intern(joined).id)
            statistics.set(p, 0, symbols: symbols)
            index.clear(pair: p)
            var old: [Int32] = []
            var new: [Int32] = []
            for word in words {
                let j = Int(word)
                let start = wordStart[j]
                old.removeAll(keepingCapacity: true)
                old.append(contentsOf: wordSymbols[start..<(start + wordLength[j])])
                new.removeAll(keepingCapacity: true)
                if wordHasSpace[j] {
                    mergeAsRegex(old, first: first, second: second, into: &new)
                } else {
                    mergeAdjacent(old, first: Int32(first), second: Int32(second), merged: merged, into: &new)
                }
                for k in 0..<new.count { wordSymbols[start + k] = new[k] }
                wordLength[j] = new.count
                updateStatistics(word: j, old: old, new: new, first: Int32(first), second: Int32(second),
                                 merged: merged)
            }
        }

        /// Left-to-right, non-overlapping merge of each (`first`, `second`) into `merged`.
        @inline(__always)
        func mergeAdjacent(_ old: [Int32], first: Int32, second: Int32, merged: Int32, into new: inout [Int32]) {
            var k = 0
            while k < old.count {
                if k + 1 < old.count && old[k] == first && old[k + 1] == second {
                    new.append(merged)
                    k += 2
                } else {
                    new.append(old[k])
                    k += 1
                }
            }
        }

        /// What `replace_pair` really does: `re.sub(r'(?<!\S)first second(?!\S)', 'firstsecond',
        /// ' '.join(word)).split(' ')`. When no symbol has a whitespace character this is
        /// `mergeAdjacent`; otherwise the pattern can also match a `first` that ends a symbol after a
        /// tab or a no-break space (and a `second` that starts one), and merge those symbols whole.
        mutating func mergeAsRegex(_ old: [Int32], first: Int, second: Int, into new: inout [Int32]) {
            var text: [UInt8] = []
            var joins: [Int] = []  // byte offsets of the joining spaces
            for (k, symbol) in old.enumerated() {
                if k > 0 { joins.append(text.count); text.append(UInt8(ascii: " ")) }
                text.append(contentsOf: symbols.array(Int(symbol)))
            }
            var pattern = symbols.array(first)
            let space = pattern.count
            pattern.append(UInt8(ascii: " "))
            pattern.append(contentsOf: symbols.array(second))
            var removed = Set<Int>()
            text.withUnsafeBufferPointer { text in
                var position = 0
                while position + pattern.count <= text.count {
                    let end = position + pattern.count
                    if text[position..<end].elementsEqual(pattern)
                        && (position == 0 || Self.isSpace(before: position, in: text))
                        && (end == text.count || Self.isSpace(at: end, in: text)) {
                        removed.insert(position + space)
                        position = end
                    } else {
                        position += 1
                    }
                }
            }
            var piece: [UInt8] = []
            var start = 0
            for join in joins + [text.count] {
                piece.append(contentsOf: text[start..<join])
                start = join + 1
                if join < text.count && removed.contains(join) { continue }
                new.append(Int32(symbols.intern(piece).id))
                piece.removeAll(keepingCapacity: true)
            }
        }

        static func isSpace(at i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
            let length = PythonText.characterLength(text, at: i)
            return PythonText.isSpace(PythonText.scalar(text, at: i, length: length))
        }

        static func isSpace(before i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
            var start = i - 1
            while start > 0 && i - start < 4 && text[start] & 0xC0 == 0x80 { start -= 1 }
            if start + PythonText.characterLength(text, at: start) != i { start = i - 1 }
            return isSpace(at: start, in: text)
        }

        /// `update_pair_statistics` for one changed word: the counts of the pairs next to each old
        /// occurrence of (`first`, `second`) go down, those next to each `merged` symbol go up.
        mutating func updateStatistics(word j: Int, old: [Int32], new: [Int32], first: Int32, second: Int32,
                                       merged: Int32) {
            let frequency = wordFrequency[j]
            var i = 0
            while i < old.count {
                guard old[i] == first else { i += 1; continue }
                if i < old.count - 1 && old[i + 1] == second {
                    // "A B C": merging "B C" lowers "A B".
                    if i > 0 { change(old[i - 1], old[i], by: -frequency, word: j) }
                    // "A B C B": merging "B C" lowers "C B", unless the text is "A B C B C", where the
                    // next occurrence's "A B" case lowers it (learn_bpe.py's exact condition).
                    if i < old.count - 2 {
                        if old[i + 2] != first || i >= old.count - 3 || old[i + 3] != second {
                            change(old[i + 1], old[i + 2], by: -frequency, word: j)
                        }
                    }
                    i += 2
                } else {
                    i += 1
                }
            }
            i = 0
            while i < new.count {
                guard new[i] == merged else { i += 1; continue }
                // "A BC D": merging "B C" raises "A BC".
                if i > 0 { change(new[i - 1], new[i], by: frequency, word: j) }
                // "A BC B" raises "BC B", but in "A BC BC" the next occurrence's case counts it.
                if i < new.count - 1 && new[i + 1] != merged {
                    change(new[i], new[i + 1], by: frequency, word: j)
                }
                i += 1
            }
        }

        @inline(__always)
        mutating func change(_ a: Int32, _ b: Int32, by delta: Int, word: Int) {
            let p = statistics.pair(a, b)
            statistics.add(p, delta, symbols: symbols)
            index.add(pair: p, word: word, delta > 0 ? 1 : -1)
        }
    }
}
