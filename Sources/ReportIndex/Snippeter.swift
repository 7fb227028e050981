// Snippeter: cuts a short excerpt of a report's body around the best cluster of query matches and
// reports where every matched token (terms and phrase tokens) sits in it. Invariant: the excerpt
// starts and ends on token boundaries, so it never splits a UTF-8 sequence, and every match range is
// a UTF-8 byte range of `Snippet.text`. Stateless; safe to call concurrently.

import Foundation

/// A body excerpt with highlighted matches.
public struct Snippet: Sendable, Equatable {
    /// The excerpt (valid UTF-8; malformed input bytes appear as U+FFFD).
    public let text: String
    /// UTF-8 byte ranges within `text` of every matched token, ascending.
    public let matches: [Range<Int>]

    /// An empty snippet (for answers that carry ids only).
    public static let empty = Snippet(text: "", matches: [])
}

/// Builds snippets (see docs/TEXT-RULES.md, "Snippets").
public enum Snippeter {
    /// Excerpt of the body of `text` (about `maxBytes` bytes) around the best cluster of matches of
    /// `query`'s positive words and phrases; the start of the body when nothing matches there.
    /// `title:` words are not highlighted (the excerpt is body text); prefixes are not capped here.
    /// `heldLeaves`, when known, is how many of the query's positive leaves the report holds (a
    /// best-match hit's matched words, for a query of plain words: `Query.isWordList`): the scan
    /// then ends `maxBytes` after it has seen that many, as it does after seeing all of them.
    public static func snippet(text: [UInt8], query: Query, maxBytes: Int = 200, heldLeaves: Int? = nil) -> Snippet {
        let bodyStart = TitleExtractor.split(text).bodyStart
        // The query's body words, flattened: leaf `l` owns words wordStart[l] ..< wordStart[l + 1].
        var words: [QueryTerm] = []
        var leaves: [(start: Int, count: Int, isPhrase: Bool)] = []
        // Words past the 64th (bit masks below) and leaves past the 64th are not highlighted.
        for leaf in query.positiveLeaves {
            if leaves.count >= 64 { break }
            switch leaf {
            case .term(let word, let titleOnly) where !titleOnly && words.count < 64:
                leaves.append((words.count, 1, false))
                words.append(word)
            case .phrase(let phrase, let titleOnly) where !titleOnly && !phrase.isEmpty && words.count + phrase.count <= 64:
                leaves.append((words.count, phrase.count, true))
                words += phrase
            default:
                leaves.append((words.count, 0, false))
            }
        }
        // One pass of the scanner: per body token its byte range and a bit per query word it
        // matches. No per-token strings are built; at most 64 words take part (see above).
        // (A token and its separator take 5 bytes or more of Vietnamese text.)
        var tokens: [Range<Int>] = []
        var wordBits: [UInt64] = []
        tokens.reserveCapacity(text.count / 5)
        wordBits.reserveCapacity(text.count / 5)
        // A token of n scalars (as written, before NFC) has between n/3 and n scalars once
        // normalised (NFD spends up to two marks per letter), and folding keeps that count; so
        // a word of w scalars can only match tokens of w...3w scalars (prefix words: >= w).
        let bounds = words.map { word -> (Int, Int) in
            let n = String(decoding: word.folded, as: UTF8.self).unicodeScalars.count
            return (n, word.isPrefix ? Int.max : 3 * n)
        }
        let fewest = bounds.map(\.0).min() ?? 0
        let most = bounds.map(\.1).max() ?? 0
        // Then a token must fold to a word's folded form (or start with it, for a prefix): exact
        // spellings fold alike too. QuickFold tells this from the raw bytes for most tokens, so
        // only candidates are normalised; it declines (and the token is normalised) when unsure.
        let folded = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: QuickFold.capacity)
        defer { folded.deallocate() }
        // (A word's i/y twin, QueryTerm.twin, folds otherwise: its fold is a candidate too.)
        let wordFolds = words.map(\.folded) + words.compactMap { $0.twin.map { TextNormalizer.fold(utf8: $0) } }
        let wordIsPrefix = words.map(\.isPrefix) + words.compactMap { $0.twin.map { _ in false } }
        // Early stop: once one window of maxBytes holds `enough` distinct leaves (all of them, or
        // as many as the report holds), no window can hold more, so the scan ends maxBytes later
        // (a window that close may still hold more matched tokens) instead of tokenising the rest
        // of a long report. lastStart[l]: byte where leaf l's latest occurrence starts.
        let allLeaves: UInt64 = leaves.indices.reduce(0) { mask, l in leaves[l].count > 0 ? mask | 1 << UInt64(l & 63) : mask }
        let enough = min(heldLeaves ?? Int.max, allLeaves.nonzeroBitCount)
        var lastStart = [Int](repeating: Int.min, count: leaves.count)
        // Every occurrence of a leaf (its first and last token), in the order they end.
        var occurrences: [(first: Int, last: Int, leaf: Int)] = []
        var completeAt = Int.max
        var scanned = 0
        var scanner = Tokenizer.Scanner()
        text.withUnsafeBufferPointer { buffer in
            scanner.scan(
                buffer,
                wanted: { text, range, count in
                    guard count >= fewest, count <= most, bounds.contains(where: { count >= $0.0 && count <= $0.1 }) else { return false }
                    guard let length = QuickFold.fold(text, range, into: folded) else { return true }
                    let token = UnsafeBufferPointer(rebasing: folded[..<length])
                    for w in wordFolds.indices {
                        let word = wordFolds[w]
                        let n = wordIsPrefix[w] ? word.count : token.count
                        if word.count == n && n <= token.count && Self.equal(token, word, n) { return true }
                    }
                    return false
                }, stop: { scanned > completeAt }
            ) { term, range in
                guard range.lowerBound >= bodyStart else { return }
                var bits: UInt64 = 0
                if !words.isEmpty && !term.isEmpty {
                    let folded = TextNormalizer.fold(utf8: term)
                    for (w, word) in words.enumerated() where w < 64 {
                        if word.matches(term: term, folded: folded, fold: query.fold) { bits |= 1 << UInt64(w) }
                    }
                }
                tokens.append(range)
                wordBits.append(bits)
                scanned = range.upperBound
                guard bits != 0, allLeaves != 0 else { return }
                let last = wordBits.count - 1
                var inWindow = 0
                for (l, leaf) in leaves.enumerated() where leaf.count > 0 {
                    if last + 1 >= leaf.count {
                        var whole = true
                        for j in 0..<leaf.count where wordBits[last + 1 - leaf.count + j] & (1 << UInt64(leaf.start + j)) == 0 {
                            whole = false
                            break
                        }
                        if whole {
                            occurrences.append((last + 1 - leaf.count, last, l))
                            lastStart[l] = tokens[last + 1 - leaf.count].lowerBound
                        }
                    }
                    if lastStart[l] != Int.min && range.upperBound - lastStart[l] <= maxBytes { inWindow += 1 }
                }
                if inWindow >= enough && completeAt == Int.max { completeAt = range.upperBound + maxBytes }
            }
        }
        guard !tokens.isEmpty else { return Snippet(text: "", matches: []) }
        // Matched tokens: those of some occurrence.
        var covered = [Bool](repeating: false, count: tokens.count)
        for o in occurrences { for i in o.first...o.last { covered[i] = true } }
        let matched = tokens.indices.filter { covered[$0] }
        var first = 0
        if !matched.isEmpty {
            // Best window starting at a match: most distinct leaves with an occurrence inside it,
            // then most matched tokens. `o` walks the occurrences in the order they end.
            var best = (score: -1, start: matched[0], end: matched[0])
            var fromOccurrence = 0
            for m in matched {
                while fromOccurrence < occurrences.count && occurrences[fromOccurrence].last < m { fromOccurrence += 1 }
                var o = fromOccurrence
                var leafSet: UInt64 = 0
                var count = 0
                var last = m
                var e = m
                while e < tokens.count && tokens[e].upperBound - tokens[m].lowerBound <= maxBytes {
                    while o < occurrences.count && occurrences[o].last == e {
                        if occurrences[o].first >= m { leafSet |= 1 << UInt64(occurrences[o].leaf & 63) }
                        o += 1
                    }
                    if covered[e] {
                        count += 1
                        last = e
                    }
                    e += 1
                }
                let score = leafSet.nonzeroBitCount * 10_000 + count
                if score > best.score { best = (score, m, last) }
            }
            // Centre the matched span: spend half the spare bytes before it.
            let spanStart = tokens[best.start].lowerBound
            let spare = maxBytes - (tokens[best.end].upperBound - spanStart)
            first = best.start
            while first > 0 && spanStart - tokens[first - 1].lowerBound <= spare / 2 { first -= 1 }
        }
        var last = first
        let startByte = tokens[first].lowerBound
        while last + 1 < tokens.count && tokens[last + 1].upperBound - startByte <= maxBytes { last += 1 }
        let endByte = tokens[last].upperBound
        // Re-encode scalar by scalar so malformed bytes become U+FFFD without shifting match offsets.
        var bytes: [UInt8] = []
        var newOffset = [Int](repeating: 0, count: endByte - startByte + 1)
        text.withUnsafeBufferPointer { buffer in
            var i = startByte
            while i < endByte {
                let (value, length) = UTF8Codec.decode(buffer, at: i)
                for k in 0..<length { newOffset[i - startByte + k] = bytes.count }
                UTF8Codec.append(value, to: &bytes)
                i += length
            }
        }
        newOffset[endByte - startByte] = bytes.count
        let matches = (first...last).filter { covered[$0] }.map { i in
            newOffset[tokens[i].lowerBound - startByte]..<newOffset[tokens[i].upperBound - startByte]
        }
        return Snippet(text: String(decoding: bytes, as: UTF8.self), matches: matches)
    }

    /// Whether the first `n` bytes of `a` and `b` (both at least that long) are equal: memcmp, where
    /// the generic `elementsEqual` compared byte by byte through iterators.
    @inline(__always)
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8], _ n: Int) -> Bool {
        guard n > 0 else { return true }
        return b.withUnsafeBufferPointer { memcmp($0.baseAddress!, a.baseAddress!, n) == 0 }
    }
}
