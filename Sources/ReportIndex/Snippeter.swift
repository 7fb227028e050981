// Snippeter: cuts a short excerpt of a report's body around the best cluster of query matches and
// reports where every matched token (terms and phrase tokens) sits in it. Invariant: the excerpt
// starts and ends on token boundaries, so it never splits a UTF-8 sequence, and every match range is
// a UTF-8 byte range of `Snippet.text`. Stateless; safe to call concurrently.

/// A body excerpt with highlighted matches.
public struct Snippet: Sendable, Equatable {
    /// The excerpt (valid UTF-8; malformed input bytes appear as U+FFFD).
    public let text: String
    /// UTF-8 byte ranges within `text` of every matched token, ascending.
    public let matches: [Range<Int>]
}

/// Builds snippets (see docs/TEXT-RULES.md, "Snippets").
public enum Snippeter {
    /// Excerpt of the body of `text` (about `maxBytes` bytes) around the best cluster of matches of
    /// `query`'s positive words and phrases; the start of the body when nothing matches there.
    /// `title:` words are not highlighted (the excerpt is body text); prefixes are not capped here.
    public static func snippet(text: [UInt8], query: Query, maxBytes: Int = 200) -> Snippet {
        let bodyStart = TitleExtractor.split(text).bodyStart
        let tokens = Tokenizer.tokens(text).filter { $0.byteRange.lowerBound >= bodyStart }
        guard !tokens.isEmpty else { return Snippet(text: "", matches: []) }
        let terms = tokens.map { (Array($0.term.utf8), Array($0.folded.utf8)) }
        // leafOf[i] = index of the first leaf matching token i, or -1.
        var leafOf = [Int](repeating: -1, count: tokens.count)
        for (leafIndex, leaf) in query.positiveLeaves.enumerated() {
            switch leaf {
            case .term(let word, let titleOnly) where !titleOnly:
                for i in tokens.indices where leafOf[i] < 0 {
                    if word.matches(term: terms[i].0, folded: terms[i].1, fold: query.fold) { leafOf[i] = leafIndex }
                }
            case .phrase(let words, let titleOnly) where !titleOnly:
                guard tokens.count >= words.count else { continue }
                for i in 0...(tokens.count - words.count) {
                    let all = words.indices.allSatisfy {
                        words[$0].matches(term: terms[i + $0].0, folded: terms[i + $0].1, fold: query.fold)
                    }
                    if all { for j in i..<(i + words.count) where leafOf[j] < 0 { leafOf[j] = leafIndex } }
                }
            default:
                continue
            }
        }
        let matched = tokens.indices.filter { leafOf[$0] >= 0 }
        var first = 0
        if !matched.isEmpty {
            // Best window starting at a match: most distinct leaves, then most matched tokens.
            var best = (score: -1, start: matched[0], end: matched[0])
            for m in matched {
                var leaves = Set<Int>()
                var count = 0
                var last = m
                var e = m
                while e < tokens.count && tokens[e].byteRange.upperBound - tokens[m].byteRange.lowerBound <= maxBytes {
                    if leafOf[e] >= 0 {
                        leaves.insert(leafOf[e])
                        count += 1
                        last = e
                    }
                    e += 1
                }
                let score = leaves.count * 10_000 + count
                if score > best.score { best = (score, m, last) }
            }
            // Centre the matched span: spend half the spare bytes before it.
            let spanStart = tokens[best.start].byteRange.lowerBound
            let spare = maxBytes - (tokens[best.end].byteRange.upperBound - spanStart)
            first = best.start
            while first > 0 && spanStart - tokens[first - 1].byteRange.lowerBound <= spare / 2 { first -= 1 }
        }
        var last = first
        let startByte = tokens[first].byteRange.lowerBound
        while last + 1 < tokens.count && tokens[last + 1].byteRange.upperBound - startByte <= maxBytes { last += 1 }
        let endByte = tokens[last].byteRange.upperBound
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
        let matches = (first...last).filter { leafOf[$0] >= 0 }.map { i in
            newOffset[tokens[i].byteRange.lowerBound - startByte]..<newOffset[tokens[i].byteRange.upperBound - startByte]
        }
        return Snippet(text: String(decoding: bytes, as: UTF8.self), matches: matches)
    }
}
