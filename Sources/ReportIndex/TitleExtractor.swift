// TitleExtractor: the one rule for a report's title, shared by the index, the store and the server:
// the first line that is non-empty after trimming is the title (trimmed); everything after that
// line's newline is the body. Invariant: the returned ranges lie within the text and never split a
// UTF-8 sequence (they are cut at ASCII bytes only). Stateless; safe to call concurrently.

/// Finds the title and body of a report's text.
public enum TitleExtractor {
    /// The title (first non-empty trimmed line), or "" when the text has no non-empty line.
    public static func title(of text: [UInt8]) -> String {
        let range = titleRange(of: text)
        return String(decoding: text[range], as: UTF8.self)
    }

    /// Byte range of the trimmed title; empty (at the end of the text) when there is none.
    public static func titleRange(of text: [UInt8]) -> Range<Int> {
        split(text).title
    }

    /// Byte offset where the body starts (just after the title line's newline, or the text's end).
    public static func bodyStart(of text: [UInt8]) -> Int {
        split(text).bodyStart
    }

    /// Title range and body start together.
    public static func split(_ text: [UInt8]) -> (title: Range<Int>, bodyStart: Int) {
        var lineStart = 0
        // A UTF-8 byte order mark at the very start is not part of the title.
        if text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF { lineStart = 3 }
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            var last = lineEnd
            while first < last && isSpace(text[first]) { first += 1 }
            while last > first && isSpace(text[last - 1]) { last -= 1 }
            let next = lineEnd < text.count ? lineEnd + 1 : lineEnd
            if first < last { return (first..<last, next) }
            lineStart = next
        }
        return (text.count..<text.count, text.count)
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
