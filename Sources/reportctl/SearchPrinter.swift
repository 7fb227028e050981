// SearchPrinter: renders search answers for people (ranked list with highlighted
// snippets and titles, snippets wrapped at word boundaries to the terminal's width) or
// scripts (one JSON line per query), and query errors on stderr. Text output shows the
// control characters of titles, snippets, ids and queries as `\xHH` and their bidi controls
// as `\u{HHHH}` (TerminalText), so a report cannot drive the terminal or reorder what it
// shows. Not thread-safe.
import Foundation
import ReportProtocol

/// Output of `reportctl search` and `reportctl count`.
struct SearchPrinter {
    let json: Bool
    /// Bold escapes for matches and titles; without, matches are put between [ and ].
    let color: Bool
    /// Columns to wrap snippets to (nil: one line per snippet).
    let width: Int?
    /// Queries come from stdin (`-`): a failed one also gets a record on stdout in text mode,
    /// so every input line has one record in its place.
    let batch: Bool
    private var out = OutputBuffer()

    private static let bold = Array("\u{1B}[1m".utf8)
    private static let plain = Array("\u{1B}[0m".utf8)

    init(json: Bool, color: Bool, width: Int?, batch: Bool = false) {
        self.json = json
        self.color = color
        self.width = width
        self.batch = batch
    }

    mutating func printHits(query: String, result: SearchResponse, idsOnly: Bool = false) {
        if json {
            var line = JSONLine()
            line.string("query", query)
            line.number("total", result.totalHits)
            var hits: [UInt8] = [UInt8(ascii: "[")]
            for (n, hit) in result.hits.enumerated() {
                if n > 0 { hits.append(UInt8(ascii: ",")) }
                var object = JSONLine()
                object.string("id", hit.id)
                if !idsOnly { object.string("title", hit.title) }
                object.number("score", (hit.score * 1000).rounded() / 1000)
                if let details = result.details, n < details.matchedWords.count {
                    object.number("matched_words", details.matchedWords[n])
                    object.number("query_words", details.queryWords)
                }
                if !idsOnly {
                    object.string("snippet", hit.snippet)
                    object.raw("matches", json: "[" + hit.matches.map { "[\($0.lowerBound),\($0.count)]" }.joined(separator: ",") + "]")
                }
                hits += object.finished().dropLast()
            }
            hits.append(UInt8(ascii: "]"))
            line.raw("hits", json: String(decoding: hits, as: UTF8.self))
            if let details = result.details, !details.suggestions.isEmpty {
                var list: [UInt8] = [UInt8(ascii: "[")]
                for (n, s) in details.suggestions.enumerated() {
                    if n > 0 { list.append(UInt8(ascii: ",")) }
                    var object = JSONLine()
                    object.string("word", s.word)
                    object.string("suggestion", s.suggestion)
                    list += object.finished().dropLast()
                }
                list.append(UInt8(ascii: "]"))
                line.raw("did_you_mean", json: String(decoding: list, as: UTF8.self))
            }
            out.write(line.finished())
            return
        }
        // Best match may show more hits than the total counts (reports with some of the words, or
        // every word with another tone or without the question words): say the count is of the
        // query as typed, so "0 reports match" above a page of hits does not read as a contradiction.
        let beyond = result.hits.count > result.totalHits ? " as typed; closest matches:" : ""
        out.write("\(Plural.of(result.totalHits, "report")) \(result.totalHits == 1 ? "matches" : "match") \(TerminalText.inert(query))\(beyond)\n")
        if let details = result.details, !details.suggestions.isEmpty {
            var byWord: [(String, [String])] = []
            for s in details.suggestions {
                if let i = byWord.firstIndex(where: { $0.0 == s.word }) { byWord[i].1.append(s.suggestion) } else { byWord.append((s.word, [s.suggestion])) }
            }
            for (word, proposals) in byWord {
                out.write(
                    TerminalText.inert("did you mean \(proposals.joined(separator: " or ")) for '\(word)'? (the hits are for the query, not the suggestion)")
                        + "\n")
            }
        }
        if idsOnly {
            for hit in result.hits { out.write("\(TerminalText.inert(hit.id))  \(Self.shownScore(hit.score))\n") }
            return
        }
        for (n, hit) in result.hits.enumerated() {
            let shownTitle = TerminalText.inert(hit.title)
            let title = color ? boldWords(of: shownTitle, query: query, matchedIn: hit.snippet, hit.matches) : shownTitle
            var coverage = ""
            if let details = result.details, n < details.matchedWords.count, details.matchedWords[n] < details.queryWords {
                coverage = "  (\(details.matchedWords[n]) of \(details.queryWords) words)"
            }
            out.write("\n\(TerminalText.inert(hit.id))  \(Self.shownScore(hit.score))\(coverage)  \(title)\n")
            out.write(Self.wrap(marked(hit.snippet, hit.matches), indent: 4, width: width))
        }
    }

    /// A score as a person reads it: best match reports hits with every word 10^9 above the rest
    /// (PROTOCOL.md §5.7), which the page order already shows, so it is left out here; --json keeps
    /// the score as sent.
    static func shownScore(_ score: Double) -> String {
        let plain = score >= 1e9 ? score - 1e9 : score
        return String((plain * 100).rounded() / 100)
    }

    mutating func printCount(query: String, count: UInt32) {
        if json {
            var line = JSONLine()
            line.string("query", query)
            line.number("count", count)
            out.write(line.finished())
        } else {
            out.write("\(count)\n")
        }
    }

    /// Prints a failed query on stderr and, with --json or in a batch, a record in its place on
    /// stdout: `{"query": ..., "error": ..., "status": ...}` (no status when never sent), or the line `error: query '...': ...`.
    /// `status` is nil when reportctl refused the query before sending it.
    mutating func printError(query: String, status: Status?, message: String) {
        let shown = "query '\(TerminalText.excerpt(query))': \(TerminalText.inert(message))"
        if json {
            out.write(JSONLine.failure("query", query, message: message, status: status.map { "\($0)" }))
        } else if batch {
            out.write("error: \(shown)\n")
        }
        out.flush()
        StandardError.print("reportctl: \(shown)")
    }

    /// Flushes stdout.
    mutating func finish() {
        out.flush()
    }

    /// The snippet with each match in bold escapes or brackets; offsets are UTF-8 bytes.
    private func marked(_ snippet: String, _ matches: [Range<UInt32>]) -> String {
        let bytes = Array(snippet.utf8)
        let (open, close): ([UInt8], [UInt8]) = color ? (Self.bold, Self.plain) : ([91], [93])
        var result: [UInt8] = []
        var cursor = 0
        for match in matches.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let start = Int(match.lowerBound)
            let end = min(bytes.count, Int(match.upperBound))
            guard start >= cursor, start <= end else { continue }
            result += TerminalText.inert(utf8: bytes[cursor..<start], newlines: .space) + open
            result += TerminalText.inert(utf8: bytes[start..<end], newlines: .space) + close
            cursor = end
        }
        result += TerminalText.inert(utf8: bytes[cursor...], newlines: .space)
        return String(decoding: result, as: UTF8.self)
    }

    /// The title with its matching words in bold. The server marks matches in the snippet only,
    /// so a title word is taken to match when it is a word the snippet matched (the report's
    /// own spelling), or a query term by the query rules in brief: letter case aside, a term
    /// typed without marks matches any marked spelling (dang: Đảng), `term*` matches a prefix.
    /// Excluded terms (-term) and operators never match.
    private func boldWords(of title: String, query: String, matchedIn snippet: String, _ matches: [Range<UInt32>]) -> String {
        let bytes = Array(snippet.utf8)
        var exact = Set<String>()
        for match in matches where Int(match.upperBound) <= bytes.count {
            let text = String(decoding: bytes[Int(match.lowerBound)..<Int(match.upperBound)], as: UTF8.self)
            for word in Self.words(of: text) { exact.insert(word.lowercased()) }
        }
        var folded = Set<String>()
        var prefixes: [String] = []
        for term in query.split(separator: " ") where !term.hasPrefix("-") && term != "OR" {
            let bare = term.hasPrefix("title:") ? term.dropFirst(6) : term[...]
            for word in Self.words(of: String(bare)) {
                let lower = word.lowercased()
                if bare.hasSuffix("*") && String(bare).contains(word + "*") {
                    prefixes.append(Self.fold(lower))
                } else if Self.fold(lower) == lower {
                    folded.insert(lower)
                } else {
                    exact.insert(lower)
                }
            }
        }
        guard !exact.isEmpty || !folded.isEmpty || !prefixes.isEmpty else { return title }
        func isMatch(_ word: String) -> Bool {
            let lower = word.lowercased()
            let bare = Self.fold(lower)
            return exact.contains(lower) || folded.contains(bare) || prefixes.contains { bare.hasPrefix($0) }
        }
        var result = ""
        var word = ""
        func endWord() {
            result += isMatch(word) && !word.isEmpty ? "\u{1B}[1m" + word + "\u{1B}[0m" : word
            word = ""
        }
        for character in title {
            if Self.isWordCharacter(character) {
                word.append(character)
            } else {
                endWord()
                result.append(character)
            }
        }
        endWord()
        return result
    }

    /// Lowercase letters without their marks: `đảng` → `dang`.
    private static func fold(_ word: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar == "đ" ? "d" : scalar)
        }
        return String(scalars)
    }

    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    private static func words(of text: String) -> [String] {
        text.split(whereSeparator: { !isWordCharacter($0) }).map(String.init)
    }

    /// `text` indented, broken at blanks so that no line is wider than `width` columns
    /// (escape sequences take no room); a word longer than a line gets a line of its own.
    static func wrap(_ text: String, indent: Int, width: Int?) -> String {
        let margin = String(repeating: " ", count: indent)
        guard let width, width > indent + 10 else { return margin + text + "\n" }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let wordWidth = visibleWidth(word)
            if lineWidth > 0 && indent + lineWidth + 1 + wordWidth > width {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            if lineWidth > 0 {
                line += " "
                lineWidth += 1
            }
            line += word
            lineWidth += wordWidth
        }
        lines.append(line)
        return lines.map { margin + $0 + "\n" }.joined()
    }

    /// Characters that take a column: everything but ESC [ ... m sequences.
    private static func visibleWidth(_ text: Substring) -> Int {
        var count = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else if scalar.properties.generalCategory != .nonspacingMark {
                count += 1
            }
        }
        return count
    }
}
