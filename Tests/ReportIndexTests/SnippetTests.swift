// Snippets: match ranges point at matched tokens; the excerpt never splits a UTF-8 sequence.
import Foundation
import Testing

@testable import ReportIndex

@Suite("Snippets")
struct SnippetTests {
    static let body = (0..<40).map { "câu số \($0) nói về chuyện thường ngày ở phố cổ" }.joined(separator: ". ")

    @Test("match ranges point at the matched tokens, phrase tokens included")
    func ranges() throws {
        let text = "Tiêu đề Hà Nội\n" + Self.body + ". Thủ đô Hà Nội đẹp. " + Self.body
        let query = try Query.parse("\"hà nội\" thủ")
        let snippet = Snippeter.snippet(text: Array(text.utf8), query: query)
        let bytes = Array(snippet.text.utf8)
        let matched = snippet.matches.map { String(decoding: bytes[$0], as: UTF8.self) }
        #expect(matched == ["Thủ", "Hà", "Nội"])
        #expect(bytes.count <= 200)
        #expect(bytes.count >= 150)
    }

    @Test("folded and tone-variant words are highlighted in the original spelling")
    func folded() throws {
        let text = "T\nSức khỏe là vàng, HÒA bình"
        let snippet = Snippeter.snippet(text: Array(text.utf8), query: try Query.parse("khoẻ hoa"))
        let bytes = Array(snippet.text.utf8)
        #expect(snippet.matches.map { String(decoding: bytes[$0], as: UTF8.self) } == ["khỏe", "HÒA"])
    }

    @Test("an excerpt of NFD multibyte text never splits a UTF-8 sequence")
    func neverSplits() throws {
        let text = ("Tiêu đề\n" + Self.body + " Đảng viên " + Self.body).decomposedStringWithCanonicalMapping
        for maxBytes in [20, 57, 101, 160, 199, 240] {
            let snippet = Snippeter.snippet(text: Array(text.utf8), query: try Query.parse("dang"), maxBytes: maxBytes)
            let bytes = Array(snippet.text.utf8)
            #expect(String(validating: bytes, as: UTF8.self) != nil)
            #expect(bytes.count <= maxBytes)
            #expect(snippet.matches.count == 1)
            #expect(String(decoding: bytes[snippet.matches[0]], as: UTF8.self) == "Đảng".decomposedStringWithCanonicalMapping)
            #expect(Array(text.utf8).firstRange(of: bytes) != nil)
        }
    }

    @Test("with no body match the excerpt is the start of the body")
    func noMatch() throws {
        let text = "Tiêu đề\nDòng đầu của thân bài. " + Self.body
        let snippet = Snippeter.snippet(text: Array(text.utf8), query: try Query.parse("title:tiêu"))
        #expect(snippet.text.hasPrefix("Dòng đầu"))
        #expect(snippet.matches.isEmpty)
        #expect(Snippeter.snippet(text: Array("Chỉ có tiêu đề".utf8), query: try Query.parse("tiêu")).text == "")
    }

    @Test("the excerpt holds the most distinct words any window holds, also when the scan stops at the words a report holds")
    func heldLeavesStop() throws {
        let vocabulary = ["kinh", "tế", "giá", "vàng", "thị", "trường", "người", "dân", "bão", "lũ", "miền", "trung"]
        let filler = ["câu", "chuyện", "hôm", "nay", "ở", "phố", "cổ", "nói", "về"]
        var rng = SplitMix64(seed: 11)
        var stoppedEarly = 0
        for _ in 0..<300 {
            let used = vocabulary.shuffled(using: &rng).prefix(Int.random(in: 2...8, using: &rng))
            let body = (0..<Int.random(in: 20...400, using: &rng)).map { _ in
                Int.random(in: 0..<4, using: &rng) == 0 ? used.randomElement(using: &rng)! : filler.randomElement(using: &rng)!
            }
            let text = Array(("Tiêu đề\n" + body.joined(separator: " ")).utf8)
            let words = Array(vocabulary.shuffled(using: &rng).prefix(Int.random(in: 2...6, using: &rng)))
            let query = try Query.parse(words.joined(separator: " "))
            #expect(query.isWordList)
            let held = words.filter { body.contains($0) }.count
            func distinct(_ snippet: Snippet) -> Set<String> {
                let bytes = Array(snippet.text.utf8)
                return Set(snippet.matches.map { String(decoding: bytes[$0], as: UTF8.self) })
            }
            // Brute force: the most distinct query words in any 200-byte window of body tokens.
            var spans: [(start: Int, end: Int, word: String)] = []
            var at = "Tiêu đề\n".utf8.count
            for word in body {
                spans.append((at, at + word.utf8.count, word))
                at += word.utf8.count + 1
            }
            var most = 0
            for (i, span) in spans.enumerated() where words.contains(span.word) {
                let inside = spans[i...].prefix { $0.end - span.start <= 200 }.map(\.word).filter(words.contains)
                most = max(most, Set(inside).count)
            }
            let whole = Snippeter.snippet(text: text, query: query)
            let stopped = Snippeter.snippet(text: text, query: query, heldLeaves: held)
            #expect(distinct(whole).count == most, "\(words) in \(body.joined(separator: " "))")
            #expect(distinct(stopped).count == most, "\(words) in \(body.joined(separator: " "))")
            if stopped != whole { stoppedEarly += 1 }
        }
        // The stop changes some excerpts (a later window may tie on distinct words): the
        // comparison above is not vacuous.
        #expect(stoppedEarly > 0)
    }

    @Test("only a query of plain body words is a word list")
    func wordList() throws {
        #expect(try Query.parse("giá vàng hôm nay").isWordList)
        #expect(try Query.parse("giá -vàng").isWordList)
        for text in ["\"giá vàng\"", "giá vàng*", "title:giá vàng", "giá OR vàng", "(giá vàng) dân"] {
            #expect(try !Query.parse(text).isWordList, "\(text)")
        }
    }
}
