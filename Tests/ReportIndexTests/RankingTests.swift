// BM25 sanity: title weighting, tie-break by doc number, paging, exact spelling under fold, isLive.
import Testing

@testable import ReportIndex

private func index(_ texts: [String]) -> SearchIndex {
    IndexBuilder.build(docCount: texts.count) { Array(texts[$0].utf8) }
}

private func all(_ doc: UInt32) -> Bool { true }

@Suite("Ranking and results")
struct RankingTests {
    @Test("a title match outranks the same match in the body")
    func titleOutranksBody() throws {
        let idx = index([
            "Tin thời sự\nNgười dân bàn về kinh tế hôm nay",
            "Kinh tế hôm nay\nNgười dân bàn về thời sự",
            "Chuyện khác\nKhông liên quan",
        ])
        let results = idx.search(try Query.parse("kinh"), limit: 10, offset: 0, isLive: all)
        #expect(results.total == 2)
        #expect(results.hits.map(\.doc) == [1, 0])
        #expect(results.hits[0].score > results.hits[1].score)
    }

    @Test("equal scores are ordered by ascending doc number")
    func ties() throws {
        let texts = (0..<6).map { _ in "Tiêu đề\nbóng đá hôm nay" }
        let results = index(texts).search(try Query.parse("bóng"), limit: 10, offset: 0, isLive: all)
        #expect(results.hits.map(\.doc) == [0, 1, 2, 3, 4, 5])
        #expect(Set(results.hits.map(\.score)).count == 1)
    }

    @Test("offset and limit page through the full ranked list")
    func paging() throws {
        let texts = (0..<40).map { i in "Bài \(i)\n" + String(repeating: "giá vàng ", count: 1 + i % 5) + String(repeating: "chữ ", count: i % 7) }
        let idx = index(texts)
        let query = try Query.parse("vàng")
        let full = idx.search(query, limit: 1000, offset: 0, isLive: all)
        #expect(full.total == 40)
        var paged: [ScoredDoc] = []
        for offset in stride(from: 0, to: 45, by: 7) {
            let page = idx.search(query, limit: 7, offset: offset, isLive: all)
            #expect(page.total == 40)
            paged += page.hits
        }
        #expect(paged == full.hits)
        #expect(idx.search(query, limit: 5, offset: 100, isLive: all).hits.isEmpty)
        for pair in zip(full.hits, full.hits.dropFirst()) {
            #expect(pair.0.score > pair.1.score || (pair.0.score == pair.1.score && pair.0.doc < pair.1.doc))
        }
    }

    @Test("accented terms match their exact spelling; fold ranks exact spellings first")
    func foldRanking() throws {
        let idx = index([
            "Một\nđang đang đang đang đang",
            "Hai\nĐảng",
            "Ba\ndáng",
        ])
        #expect(idx.search(try Query.parse("Đảng"), limit: 10, offset: 0, isLive: all).hits.map(\.doc) == [1])
        #expect(idx.search(try Query.parse("dang"), limit: 10, offset: 0, isLive: all).total == 3)
        let folded = idx.search(try Query.parse("Đảng", fold: true), limit: 10, offset: 0, isLive: all)
        #expect(folded.total == 3)
        #expect(folded.hits.first?.doc == 1)
    }

    @Test("dead docs neither match nor count")
    func liveness() throws {
        let idx = index(["A\nxe máy", "B\nxe máy", "C\nxe đạp"])
        let query = try Query.parse("xe")
        let live: (UInt32) -> Bool = { $0 != 1 }
        #expect(idx.count(query, isLive: live) == 2)
        #expect(idx.search(query, limit: 10, offset: 0, isLive: live).hits.map(\.doc) == [0, 2])
    }

    @Test("phrases never match across the title/body boundary")
    func boundary() throws {
        let idx = index(["Giá vàng\nhôm nay tăng", "Tin\ngiá vàng hôm nay"])
        #expect(idx.matchingDocs(try Query.parse("\"vàng hôm\"")) == [1])
        #expect(idx.matchingDocs(try Query.parse("title:\"giá vàng\"")) == [0])
        #expect(idx.matchingDocs(try Query.parse("title:hôm")) == [])
    }

    @Test("term lookups fold only as much of a long term as a comparison needs, and stay exact")
    func longTerms() throws {
        let long = String(repeating: "q", count: 300_000)
        let longAccented = "quá" + String(repeating: "ạ", count: 100_000)
        let idx = IndexBuilder.build(docCount: 5) { doc in
            Array(["Một\n\(long) phố", "Hai\n\(longAccented) phố", "Ba\nq quá qua", "Bốn\nquả quạ", "Năm\nphố"][doc].utf8)
        }
        for key in ["q", "qq", "qu", "qua", "quá", "quaa", "ph", "pho", "z", String(repeating: "q", count: 300_000)] {
            let folded = TextNormalizer.fold(utf8: Array(key.utf8))
            for whole in [true, false] {
                let naive = (0..<idx.termCount).filter { id in
                    let f = TextNormalizer.fold(utf8: idx.term(id))
                    return whole ? f == folded : f.starts(with: folded)
                }
                let range = idx.foldedRange(folded, whole: whole)
                #expect(Array(range) == naive, "\(key.prefix(8)) whole \(whole)")
            }
        }
        #expect(idx.count(try Query.parse("qua*"), isLive: { _ in true }) == 3)
        #expect(idx.count(try Query.parse("phố"), isLive: { _ in true }) == 3)
    }

    @Test("byteCount and termCount describe the built index")
    func sizes() {
        let idx = index(["Hà Nội\nHà Nội mùa thu", "Huế\nsông Hương"])
        #expect(idx.termCount == 7)
        #expect(idx.byteCount > 0)
        #expect(IndexBuilder().build().termCount == 0)
    }
}

@Suite("Top-k selection")
struct TopKTests {
    @Test("the bounded selection returns exactly the first k of the full ranking, ties by doc")
    func boundedSelectionMatchesFullSort() {
        var rng = SplitMix64(seed: 11)
        for round in 0..<50 {
            let n = 1 + Int(rng.next() % 2000)
            let docs = (0..<n).map { UInt32($0 * 3 + round) }
            // Few distinct scores, so ties are common and the doc tie-break is exercised.
            let scores = (0..<n).map { _ in Double(rng.next() % 17) / 4 }
            var full = zip(docs, scores).map { ScoredDoc(doc: $0, score: $1) }
            full.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
            for k in [0, 1, 5, 10, 37, n / 2, n, n + 3] {
                let best = SearchIndex.best(docs: docs, scores: scores, count: k)
                #expect(best == Array(full.prefix(k)), "n \(n) k \(k)")
            }
        }
    }
}
