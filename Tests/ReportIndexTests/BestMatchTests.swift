// Best match and proximity: reports with some of the words come back, those with every word first
// (in strict order), a missing rare word costs more than a missing common one, `+` requires, words
// side by side outrank the same words apart; and the page equals the top k of the exhaustive scorer
// and the brute-force candidate sets on a generated corpus.
import Foundation
import Testing

@testable import ReportIndex

private func index(_ texts: [String]) -> SearchIndex {
    IndexBuilder.build(docCount: texts.count) { Array(texts[$0].utf8) }
}

private func all(_ doc: UInt32) -> Bool { true }

@Suite("Best match and proximity")
struct BestMatchTests {
    @Test("kthLargest equals the sorted k-th on random scores with long runs of ties")
    func kthLargestMatchesSort() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let n = 1 + trial % 97 + (trial % 7 == 0 ? 3_000 : 0)
            let distinct = 1 + Int.random(in: 0..<(trial % 3 == 0 ? 3 : 1_000), using: &rng)
            let values = (0..<n).map { _ in Double(Int.random(in: 0..<distinct, using: &rng)) / 7 }
            let sorted = values.sorted(by: >)
            for k in Set([1, n, 1 + n / 2, Int.random(in: 1...n, using: &rng)]) {
                #expect(BestMatchRanker.kthLargest(values, k) == sorted[k - 1], "n \(n) k \(k)")
            }
        }
    }

    @Test("a page is not empty when some report holds some of the words; total stays strict")
    func partialMatches() throws {
        let idx = index(["Một\nkinh tế phát triển", "Hai\nthời tiết hôm nay", "Ba\nkinh doanh"])
        let query = try Query.parse("kinh tế xyzzy")
        let best = idx.search(query, limit: 10, offset: 0, bestMatch: true, isLive: all)
        #expect(best.total == 0)
        #expect(best.hits.map(\.doc) == [0, 2])
        #expect(best.hits.map(\.matchedWords) == [2, 1])
        #expect(best.queryWords == 3)
        #expect(idx.search(query, limit: 10, offset: 0, isLive: all).hits.isEmpty)
        #expect(idx.count(query, isLive: all) == 0)
    }

    @Test("reports with every word come first, in the strict page's order")
    func allWordsFirst() throws {
        var texts: [String] = []
        for i in 0..<30 {
            var body = String(repeating: "giá vàng ", count: 1 + i % 4) + String(repeating: "chữ ", count: i % 9)
            if i % 3 == 0 { body += " hôm nay" }
            texts.append("Bài \(i)\n" + body)
        }
        let idx = index(texts)
        let query = try Query.parse("giá vàng hôm nay")
        let strict = idx.search(query, limit: 100, offset: 0, isLive: all)
        let best = idx.search(query, limit: 100, offset: 0, bestMatch: true, isLive: all)
        #expect(strict.total == 10)
        #expect(best.total == 10)
        #expect(best.hits.count == 30)
        #expect(best.hits.prefix(10).map(\.doc) == strict.hits.map(\.doc))
        #expect(best.hits.prefix(10).allSatisfy { $0.matchedWords == 4 })
        #expect(best.hits.dropFirst(10).allSatisfy { $0.matchedWords == 2 })
    }

    @Test("a missing rare word costs more than a missing common one")
    func rareWordsWeighMore() throws {
        var texts = (0..<40).map { "Tin \($0)\nngười dân có việc làm" }
        texts.append("Tin hiếm\nngười dân hội an thành phố")  // 40: misses the common có
        texts.append("Tin chung\nngười dân có thành phố")  // 41: misses the rare hội
        let idx = index(texts)
        let best = idx.search(try Query.parse("có hội thành phố"), limit: 3, offset: 0, bestMatch: true, isLive: all)
        #expect(best.hits.map(\.doc).prefix(2) == [40, 41])
    }

    @Test("+word is required; --all semantics are the strict page")
    func requiredWords() throws {
        let idx = index(["A\nkinh tế", "B\nkinh doanh", "C\ntế bào"])
        let best = idx.search(try Query.parse("+kinh tế"), limit: 10, offset: 0, bestMatch: true, isLive: all)
        #expect(best.hits.map(\.doc) == [0, 1])
        let strict = idx.search(try Query.parse("kinh tế"), limit: 10, offset: 0, isLive: all)
        #expect(strict.hits.map(\.doc) == [0])
        let excluded = idx.search(try Query.parse("kinh tế -bào"), limit: 10, offset: 0, bestMatch: true, isLive: all)
        #expect(excluded.hits.map(\.doc) == [0, 1])
    }

    @Test("syllables side by side, in order, outrank the same syllables apart, in body and title")
    func proximity() throws {
        let filler = "một hai ba bốn năm sáu bảy tám chín mười"
        let idx = index([
            "Tin một\nthị \(filler) trường \(filler) chứng khoán",
            "Tin hai\n\(filler) thị trường chứng khoán \(filler)",
            "Tin ba\nchứng \(filler) khoán thị \(filler) trường",
        ])
        let hits = idx.search(try Query.parse("thị trường chứng khoán"), limit: 10, offset: 0, isLive: all).hits
        #expect(hits.first?.doc == 1)
        let titled = index(["trường chứng thị khoán\nnội dung", "thị trường chứng khoán\nnội dung"])
        #expect(titled.search(try Query.parse("thị trường chứng khoán"), limit: 10, offset: 0, isLive: all).hits.first?.doc == 1)
    }

    @Test("closest: the smallest distance between two words' positions")
    func closestPositions() {
        #expect(BestMatchRanker.closest([1, 5, 9], [3, 20]) == 2)
        #expect(BestMatchRanker.closest([10], [2, 30]) == 8)
        #expect(BestMatchRanker.closest([4, 40], [41]) == 1)
        #expect(BestMatchRanker.closest([], [1]) == 0)
    }

    @Test("question words, typed with or without marks, do not decide whether a report has every word")
    func questionWords() throws {
        let idx = index([
            "Tin một\ngiá vàng hôm nay tăng mạnh",  // every word but the question's
            "Tin hai\ngiá vàng hôm qua bao nhiêu",  // misses nay, holds the question's words
        ])
        for text in ["giá vàng hôm nay bao nhiêu", "gia vang hom nay bao nhieu"] {
            let query = try Query.parse(text)
            let ranker = BestMatchRanker(index: idx, query: query)
            #expect(ranker.questionClauses(query.clauses) == [false, false, false, false, true, true], "\(text)")
            let best = idx.search(query, limit: 10, offset: 0, bestMatch: true, isLive: all)
            #expect(best.hits.map(\.doc) == [0, 1], "\(text)")
        }
        // Particles ask only at a question's end (or start) and only in a query long enough to be one.
        func soft(_ text: String) throws -> [Bool] {
            let query = try Query.parse(text)
            return BestMatchRanker(index: idx, query: query).questionClauses(query.clauses)
        }
        #expect(try soft("giá vàng hôm nay có tăng không") == [false, false, false, false, false, false, true])
        #expect(try soft("gia vang hom nay co tang khong") == [false, false, false, false, false, false, true])
        #expect(try soft("ai là người phát hiện vàng") == [true, false, false, false, false, false])
        #expect(try soft("giá vàng sẽ tăng phải không") == [false, false, false, false, true, true])
        #expect(try soft("không khí Hà Nội hôm nay") == [false, false, false, false, false, false])
        #expect(try soft("hàng không") == [false, false])
        #expect(try soft("gia dau") == [false, false])
        // Marks typed on a word that is not the question word's spelling keep it a plain word.
        let other = try Query.parse("giá vàng báo nhiều")
        #expect(BestMatchRanker(index: idx, query: other).questionClauses(other.clauses) == [false, false, false, false])
    }

    @Test("a query of 300 words is answered (the budget bounds work, not words)")
    func longQueries() throws {
        var generator = CorpusGenerator(seed: 77)
        let texts = (0..<50).map { _ in generator.document() }
        let idx = index(texts)
        let words = texts.joined(separator: " ").split(separator: " ").prefix(300).joined(separator: " ")
        let query = try Query.parse(String(words))
        let results = idx.search(query, limit: 10, offset: 0, bestMatch: true, isLive: all)
        #expect(!results.exhausted)
        #expect(results.hits.count == 10)
        let starved = idx.search(query, limit: 10, offset: 0, bestMatch: true, budget: 100, isLive: all)
        #expect(starved.exhausted)
        #expect(idx.count(query, budget: 100, isLive: all).exhausted)
    }

    @Test("with more candidates than the rescoring window, pruning still gives the exhaustive page")
    func window() throws {
        var generator = CorpusGenerator(seed: 4_242)
        let texts = (0..<400).map { _ in generator.document() }
        let window = 32
        let idx = IndexBuilder.build(docCount: texts.count) { Array(texts[$0].utf8) }
        var wide = 0
        for _ in 0..<120 {
            let words = texts[generator.int(texts.count)].split(separator: " ").map(String.init)
                .filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            guard words.count > 4 else { continue }
            let start = generator.int(words.count - 3)
            let text = words[start..<(start + 3)].map { generator.chance(50) ? CorpusGenerator.fold($0) : $0 }.joined(separator: " ")
            guard let query = try? Query.parse(text) else { continue }
            let k = 1 + generator.int(20)
            let pruned = idx.search(query, limit: k, offset: 0, bestMatch: true, rescoreWindow: window, isLive: all)
            let exhaustive = idx.search(query, limit: k, offset: 0, bestMatch: true, exhaustive: true, rescoreWindow: window, isLive: all)
            #expect(pruned.hits == exhaustive.hits, "«\(text)» k \(k)")
            if idx.search(query, limit: 10_000, offset: 0, bestMatch: true, isLive: all).hits.count > window { wide += 1 }
        }
        #expect(wide > 20, "only \(wide) queries had more candidates than the window")
    }

    @Test("common words: rescoring in rounds (most promising first, then only what can still reach the page) gives the exhaustive page")
    func twoPassRescoring() throws {
        var generator = CorpusGenerator(seed: 77)
        let texts = (0..<1_500).map { _ in generator.document() }
        let idx = IndexBuilder.build(docCount: texts.count) { Array(texts[$0].utf8) }
        var wide = 0
        for _ in 0..<80 {
            let words = texts[generator.int(texts.count)].split(separator: " ").map(String.init)
                .filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            guard words.count > 4 else { continue }
            let n = 2 + generator.int(2)
            let start = generator.int(words.count - n)
            let text = words[start..<(start + n)].map { generator.chance(30) ? CorpusGenerator.fold($0) : $0 }.joined(separator: " ")
            guard let query = try? Query.parse(text) else { continue }
            let k = 1 + generator.int(8)
            let pruned = idx.search(query, limit: k, offset: 0, bestMatch: true, isLive: all)
            let exhaustive = idx.search(query, limit: k, offset: 0, bestMatch: true, exhaustive: true, isLive: all)
            #expect(pruned.hits == exhaustive.hits, "«\(text)» k \(k)")
            // More than the first pass (max(32, 4k)) of docs holding two of the words: the second
            // pass is what decides the page.
            if idx.search(query, limit: 10_000, offset: 0, bestMatch: true, isLive: all).hits.count > 200 { wide += 1 }
        }
        #expect(wide > 20, "only \(wide) queries had many candidates")
    }

    @Test("MaxScore: long queries of common and rare words score fewer candidates and keep the exhaustive page")
    func maxScore() throws {
        var generator = CorpusGenerator(seed: 2_026)
        let texts = (0..<1_500).map { _ in generator.document() }
        let idx = IndexBuilder.build(docCount: texts.count) { Array(texts[$0].utf8) }
        let isLive: (UInt32) -> Bool = { $0 % 11 != 3 }
        var checked = 0
        var pruned = 0
        for _ in 0..<200 where checked < 60 {
            let words = texts[generator.int(texts.count)].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                .filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            guard words.count >= 8 else { continue }
            let n = min(words.count, 8 + generator.int(5))
            let start = generator.int(words.count - n + 1)
            var text = words[start..<(start + n)].map { generator.chance(30) ? CorpusGenerator.fold($0) : $0 }.joined(separator: " ")
            if generator.chance(30) { text = "tại sao " + text }
            // A misspelt word that no report holds: it must not stop the pruning.
            if generator.chance(25) { text += " xqzw" }
            guard let query = try? Query.parse(text) else { continue }
            checked += 1
            let k = 1 + generator.int(10)
            // A small rescoring window too: docs never scored must not change which docs it holds.
            let window = generator.chance(50) ? 2 * k : nil
            let fast = idx.search(query, limit: k, offset: 0, bestMatch: true, rescoreWindow: window, isLive: isLive)
            let slow = idx.search(query, limit: k, offset: 0, bestMatch: true, exhaustive: true, rescoreWindow: window, isLive: isLive)
            #expect(fast.hits == slow.hits, "«\(text)» k \(k) window \(window ?? 0)")
            #expect(fast.total == slow.total, "«\(text)» k \(k)")
            if fast.scored < slow.scored { pruned += 1 }
        }
        #expect(checked == 60)
        #expect(pruned > 20, "only \(pruned) queries scored fewer candidates")
    }

    @Test("the page is the exhaustive scorer's top k and has brute force's candidates")
    func bruteForce() throws {
        var generator = CorpusGenerator(seed: 90_210)
        // The vocabulary's i/y syllables (`kĩ`) also appear in the other spelling (`kỹ`) in some
        // reports, so that a word's twin has postings of its own.
        let twins = generator.vocabulary.compactMap { BruteForce.iyTwin(Array($0.utf8)).map { String(decoding: $0, as: UTF8.self) } }
        let texts: [(UInt32, String)] = (0..<200).map { n in
            var text = generator.document()
            if !twins.isEmpty && generator.chance(40) { text += " " + twins[generator.int(twins.count)] }
            return (UInt32(n), text)
        }
        let idx = IndexBuilder.build(docCount: texts.count) { Array(texts[$0].1.utf8) }
        let brute = BruteForce(texts: texts)
        let isLive: (UInt32) -> Bool = { $0 % 9 != 4 }
        var checked = 0
        var partial = 0
        var widened = 0
        var twinned = 0
        for _ in 0..<3_000 where checked < 600 {
            let words = texts[generator.int(texts.count)].1.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                .filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            var text = generator.query(docWords: words)
            // Longer plain-word queries too, so proximity and pruning have work to do.
            if generator.chance(40) { text += " " + (0..<(2 + generator.int(6))).map { _ in words.isEmpty ? "a" : words[generator.int(words.count)] }.joined(separator: " ") }
            // Some queries typed without tones, as people type them (`Ha Nôi`): their marked
            // words take any tone under best match.
            if generator.chance(25) { text = Self.withoutTones(text) }
            if generator.chance(15) { text = "+" + text }
            guard let query = try? Query.parse(text, fold: generator.chance(30)) else { continue }
            checked += 1
            let context = "query #\(checked) «\(text)» fold \(query.fold)"
            let k = 1 + generator.int(12)
            let pruned = idx.search(query, limit: k, offset: 0, bestMatch: true, isLive: isLive)
            let exhaustive = idx.search(query, limit: k, offset: 0, bestMatch: true, exhaustive: true, isLive: isLive)
            #expect(pruned.hits == exhaustive.hits, "\(context)")
            let everything = idx.search(query, limit: 10_000, offset: 0, bestMatch: true, isLive: isLive)
            let expected = brute.bestMatchCandidates(query).filter { isLive($0.key) }
            #expect(Set(everything.hits.map(\.doc)) == Set(expected.keys), "\(context)")
            for hit in everything.hits { #expect(hit.matchedWords == expected[hit.doc]?.words, "\(context) doc \(hit.doc)") }
            let fullCount = expected.values.filter(\.all).count
            // The total counts the query as typed (every clause, no word taking another tone).
            #expect(everything.total == brute.matches(query).filter(isLive).count, "\(context)")
            #expect(everything.hits.prefix(fullCount).allSatisfy { expected[$0.doc]?.all == true }, "\(context)")
            if fullCount < expected.count { partial += 1 }
            if fullCount > everything.total { widened += 1 }
            if query.bestMatchForm.positiveLeaves.contains(where: { if case .term(let w, _) = $0 { return w.twin != nil } else { return false } }) { twinned += 1 }
            #expect(exhaustive.hits == Array(everything.hits.prefix(k)), "\(context)")
        }
        #expect(checked == 600)
        #expect(partial > 100, "only \(partial) queries had partial matches")
        #expect(widened > 10, "only \(widened) queries found more reports with every word by taking any tone")
        #expect(twinned > 5, "only \(twinned) queries had a word with an i/y twin")
    }

    /// `text` with the five tone marks taken away (other marks and đ kept), in NFC.
    static func withoutTones(_ text: String) -> String {
        let kept = text.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !BruteForce.toneMarks.contains($0.value) }
        return String(String.UnicodeScalarView(kept)).precomposedStringWithCanonicalMapping
    }
}
