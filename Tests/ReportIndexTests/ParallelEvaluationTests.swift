// Splitting a word's expansion, a phrase's words or the top-level clauses over two threads changes
// nothing: on random queries over a generated corpus, the split evaluation gives the docs, leaves,
// seek points and bit-identical scores of the sequential one, and charges the same budget; a few
// spellings merged (QueryEvaluator.mergedCounts) equal their slot sums (SlotCounts).
import Testing

@testable import ReportIndex

@Suite("Parallel evaluation")
struct ParallelEvaluationTests {
    /// 400 generated docs, indexed, with each doc's words (to draw queries from).
    static func corpus(_ generator: inout CorpusGenerator) -> (SearchIndex, [[String]]) {
        var builder = IndexBuilder()
        var words: [[String]] = []
        for doc in 0..<400 {
            let text = generator.document()
            words.append(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
            builder.add(doc: UInt32(doc), text: Array(text.utf8))
        }
        return (builder.build(), words)
    }

    @Test("two-thread decoding gives the docs and scores of one thread")
    func sameAsSequential() throws {
        var generator = CorpusGenerator(seed: 5_150_001)
        let (index, words) = Self.corpus(&generator)
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

    @Test("top-level clauses on two threads give the clauses, leaves, seek points and spent budget of one thread")
    func clausesSameAsSequential() throws {
        var generator = CorpusGenerator(seed: 5_150_002)
        let (index, words) = Self.corpus(&generator)
        var checked = 0
        var split = 0
        for _ in 0..<5_000 where checked < 500 {
            let text = generator.query(docWords: words[generator.int(words.count)])
            guard let query = try? Query.parse(text, fold: generator.chance(30)) else { continue }
            checked += 1
            var sequential = QueryEvaluator(index: index, fold: query.fold, parallelBytes: Int.max)
            var parallel = QueryEvaluator(index: index, fold: query.fold, parallelBytes: 0)
            let one = sequential.evaluateClauses(query.root)
            let two = parallel.evaluateClauses(query.root)
            if case .and(let required, _) = query.root, required.count >= 2 { split += 1 }
            #expect(two.clauses.map(\.docs) == one.clauses.map(\.docs), "\(text)")
            #expect(two.clauses.map(\.leaves) == one.clauses.map(\.leaves), "\(text)")
            #expect(two.excluded == one.excluded, "\(text)")
            #expect(parallel.spent == sequential.spent, "\(text)")
            #expect(parallel.scoringLeaves.count == sequential.scoringLeaves.count, "\(text)")
            for (a, b) in zip(parallel.scoringLeaves, sequential.scoringLeaves) {
                #expect(a.docs == b.docs && a.tf == b.tf && a.exact == b.exact, "\(text)")
                #expect(a.seeks.map(\.docs) == b.seeks.map(\.docs) && a.seeks.map(\.bits) == b.seeks.map(\.bits), "\(text)")
            }
        }
        #expect(checked == 500)
        #expect(split > 100)
    }

    @Test("a few spellings merged give the docs, tf, exact flags and seek points of the slot sums")
    func mergedCountsAsSlotSums() throws {
        var generator = CorpusGenerator(seed: 8_008)
        let (index, words) = Self.corpus(&generator)
        var checked = 0
        for _ in 0..<3_000 where checked < 400 {
            let text = generator.queryWord(from: words[generator.int(words.count)]).replacingOccurrences(of: "*", with: "")
            guard let word = (try? Query.parse(generator.chance(40) ? String(text.prefix(2)) + "*" : text))?.positiveLeaves.first,
                case .term(let term, _) = word
            else { continue }
            let resolved = index.resolve(term, fold: generator.chance(50))
            guard resolved.count > 1 else { continue }
            checked += 1
            for titleOnly in [false, true] {
                let slots = SlotCounts(slots: index.docSlots)
                slots.add(resolved[...], of: index, titleOnly: titleOnly, recordSeeks: true)
                let expected = slots.matched()
                let merged = QueryEvaluator.mergedCounts(resolved, of: index, titleOnly: titleOnly, recordSeeks: true)
                #expect(merged.docs == expected.docs && merged.tf == expected.tf && merged.exact == expected.exact, "\(text) title \(titleOnly)")
                #expect(merged.seeks.map(\.docs) == slots.seeks.map(\.docs) && merged.seeks.map(\.bits) == slots.seeks.map(\.bits), "\(text)")
            }
        }
        #expect(checked > 100, "only \(checked) words had several spellings")
    }
}
