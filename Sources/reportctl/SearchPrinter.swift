// SearchPrinter: renders search answers for people (ranked list with highlighted
// snippets) or scripts (one JSON line per query), and query errors on stderr.
import ReportProtocol

/// Output of `reportctl search`.
struct SearchPrinter {
    /// How matches are marked in text output.
    enum Highlight {
        case bold
        case brackets
    }

    let json: Bool
    let highlight: Highlight
    private var out = OutputBuffer()

    init(json: Bool, highlight: Highlight) {
        self.json = json
        self.highlight = highlight
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
        out.write("\(result.totalHits) report\(result.totalHits == 1 ? "" : "s") match \(query)\n")
        if let details = result.details, !details.suggestions.isEmpty {
            var byWord: [(String, [String])] = []
            for s in details.suggestions {
                if let i = byWord.firstIndex(where: { $0.0 == s.word }) { byWord[i].1.append(s.suggestion) } else { byWord.append((s.word, [s.suggestion])) }
            }
            for (word, proposals) in byWord {
                out.write("did you mean \(proposals.joined(separator: " or ")) for '\(word)'? (the hits are for the query as typed)\n")
            }
        }
        if idsOnly {
            for hit in result.hits { out.write("\(hit.id)  \(String((hit.score * 100).rounded() / 100))\n") }
            return
        }
        for (n, hit) in result.hits.enumerated() {
            var coverage = ""
            if let details = result.details, n < details.matchedWords.count, details.matchedWords[n] < details.queryWords {
                coverage = "  (\(details.matchedWords[n]) of \(details.queryWords) words)"
            }
            out.write("\n\(hit.id)  \(String((hit.score * 100).rounded() / 100))\(coverage)  \(hit.title)\n")
            out.write("    " + marked(hit.snippet, hit.matches) + "\n")
        }
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

    mutating func printError(query: String, status: Status, message: String) {
        if json {
            var line = JSONLine()
            line.string("query", query)
            line.string("error", message)
            line.string("status", "\(status)")
            out.write(line.finished())
        }
        out.flush()
        StandardError.print("reportctl: query '\(query)': \(message)")
    }

    mutating func finish() {
        out.flush()
    }

    /// The snippet with each match wrapped in bold escapes or brackets; offsets are UTF-8 bytes.
    private func marked(_ snippet: String, _ matches: [Range<UInt32>]) -> String {
        let bytes = Array(snippet.utf8)
        let (open, close): ([UInt8], [UInt8]) = highlight == .bold ? (Array("\u{1B}[1m".utf8), Array("\u{1B}[0m".utf8)) : ([91], [93])
        var result: [UInt8] = []
        var cursor = 0
        for match in matches.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let start = Int(match.lowerBound)
            let end = min(bytes.count, Int(match.upperBound))
            guard start >= cursor, start <= end else { continue }
            result += bytes[cursor..<start] + open + bytes[start..<end] + close
            cursor = end
        }
        result += bytes[cursor...]
        return String(decoding: result, as: UTF8.self).replacingNewlines()
    }
}

extension String {
    /// The string with line breaks shown as spaces, for one-line snippets.
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
