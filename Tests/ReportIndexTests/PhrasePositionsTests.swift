// A phrase's positions read by seeking, for the docs that hold every word, give what decoding the
// words' postings whole gives (QueryEvaluator.phraseHits reads them one way or the other by the
// words' postings): the same docs, phrase counts and scores, on random queries over a generated
// corpus, typed with and without marks, in the title and anywhere.
import Testing

@testable import ReportIndex

@Suite("Phrase positions")
struct PhrasePositionsTests {
    @Test("phrase positions by seeking give the leaves and scores of whole decoding")
    func seekingAsWholeDecoding() throws {
        var generator = CorpusGenerator(seed: 7_310_003)
        let (index, words) = ParallelEvaluationTests.corpus(&generator)
        var checked = 0
        var matched = 0
        for _ in 0..<6_000 where checked < 600 {
            let text = generator.query(docWords: words[generator.int(words.count)])
            guard text.contains("\""), let query = try? Query.parse(text, fold: generator.chance(30)) else { continue }
            checked += 1
            // Sometimes on two threads (the words split between them), either way.
            let threads = generator.chance(50) ? 0 : Int.max
            var whole = QueryEvaluator(index: index, fold: query.fold, parallelBytes: threads, phraseSeeks: false)
            var seeking = QueryEvaluator(index: index, fold: query.fold, parallelBytes: threads, phraseSeeks: true)
            let docs = whole.evaluate(query.root, positive: true)
            #expect(seeking.evaluate(query.root, positive: true) == docs, "\(text)")
            #expect(seeking.score(docs) == whole.score(docs), "\(text)")
            #expect(seeking.scoringLeaves.map(\.docs) == whole.scoringLeaves.map(\.docs), "\(text)")
            #expect(seeking.scoringLeaves.map(\.tf) == whole.scoringLeaves.map(\.tf), "\(text)")
            if !docs.isEmpty { matched += 1 }
        }
        #expect(checked == 600)
        #expect(matched > 200, "only \(matched) phrase queries matched a doc")
    }
}
