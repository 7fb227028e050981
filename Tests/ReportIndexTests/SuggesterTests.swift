// "Did you mean": nearest indexed words for a word that matches (almost) nothing, a tone or
// diacritic difference costing less than a letter; suggestions are never applied to the query.
import Testing

@testable import ReportIndex

@Suite("Did you mean")
struct SuggesterTests {
    static let index: SegmentedIndex = {
        var texts: [String] = []
        for i in 0..<6 { texts.append("Bóng đá \(i)\nMessi ghi bàn, thương hiệu mạnh, thường xuyên") }
        texts.append("Lẻ\nmesa thuong")
        let all = texts
        let built = IndexBuilder.build(docCount: all.count) { Array(all[$0].utf8) }
        return SegmentedIndex(segments: [IndexSegment(base: 0, index: built)])
    }()

    func suggest(_ text: String, fold: Bool = false) throws -> [String] {
        Suggester.suggestions(for: try Query.parse(text, fold: fold), in: Self.index).map { "\($0.word)→\($0.suggestion)" }
    }

    @Test("a missing letter and swapped letters find the word")
    func letters() throws {
        #expect(try suggest("Mesi") == ["mesi→messi"])
        #expect(try suggest("bàn Thươgn").first == "thươgn→thương")
        #expect(try suggest("bàn Thươgn").contains("thươgn→thường"))
        #expect(Self.index.search(try Query.parse("Mesi"), limit: 10, offset: 0, bestMatch: true) { _ in true }.hits.isEmpty)
    }

    @Test("a wrong tone costs less than a wrong letter")
    func tones() throws {
        #expect(Suggester.distance([0x74, 0x1EAF], [0x74, 0x61], [0x74, 0x1EB1], [0x74, 0x61]) == Suggester.markCost)
        #expect(try suggest("thướng").first == "thướng→thương")
    }

    @Test("words that match, and far words, get no suggestion")
    func none() throws {
        #expect(try suggest("messi thuong").isEmpty)
        #expect(try suggest("zzzzzz").isEmpty)
        #expect(try suggest("bóng*").isEmpty)
    }
}
