// Splitting a word's expansion or a phrase's words over two threads changes nothing: on random
// queries over a generated corpus, the split evaluation gives the docs and bit-identical scores of
// the sequential one.
import Testing

@testable import ReportIndex

@Suite("Parallel evaluation")
struct ParallelEvaluationTests {
    @Test("two-thread decoding gives the docs and scores of one thread")
    func sameAsSequential() throws {
        var generator = CorpusGenerator(seed: 5_150_001)
        var builder = IndexBuilder()
        var words: [[String]] = []
        for doc in 0..<400 {
            let text = generator.document()
            words.append(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
            builder.add(doc: UInt32(doc), text: Array(text.utf8))
        }
        let index = builder.build()
        var checked = 0
        var attempts = 0
        while checked < 500 && attempts < 5_000 {
            attempts += 1
            let text = generator.query(docWords: words[generator.int(words.count)])
            guard let query = try? Query.parse(text, fold: generator.chance(30)) else { continue }
            checked += 1
            var sequential = QueryEvaluator(index: index, fold: query.fold, parallelBytes: Int.max)
            var parallel = QueryEvaluator(index: index, fold: query.fold, parallelBytes: 0)
            let docs = sequential.evaluate(query.root, positive: true)
            #expect(parallel.evaluate(query.root, positive: true) == docs, "\(text)")
            #expect(parallel.score(docs) == sequential.score(docs), "\(text)")
        }
        #expect(checked == 500)
    }
}
