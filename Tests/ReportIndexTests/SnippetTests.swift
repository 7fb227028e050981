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
}
