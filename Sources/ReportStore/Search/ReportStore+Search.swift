// ReportStore+Search: full-text search over the store — parse the query, rank with the
// index, then inflate only the page's reports for titles and snippets. Thread-safe like
// the store: the index is immutable and reads inflate with pooled inflaters.
import Dispatch
import ReportIndex

extension ReportStore {
    /// Ranked search.
    /// - Parameters:
    ///   - text: the query (docs/TEXT-RULES.md).
    ///   - fold: also match accented terms without their marks (exact spellings rank first).
    ///   - withTexts: false for ids and scores only (empty titles and snippets): no report is
    ///     inflated, so the page costs about what ranking costs.
    ///   - allWords: rank only reports matching every clause (strict); by default best match also
    ///     ranks reports with some of the words, below those with all of them.
    ///   - suggest: also look for "did you mean" suggestions (ReportIndex.Suggester).
    /// - Throws: `QueryError` for a malformed query or one over the work budget (`.tooMuchWork`);
    ///   `StoreError` `.corrupt` if a hit's text is damaged.
    public func search(
        _ queryText: String, limit: Int, offset: Int, fold: Bool, withTexts: Bool = true, allWords: Bool = false,
        suggest: Bool = false
    ) throws -> SearchPage {
        let query = try Query.parse(queryText, fold: fold)
        // One lock hold pins the segments and the live docs; ranking then takes no lock.
        let (index, live) = currentIndex()
        let results = index.search(query, limit: limit, offset: offset, bestMatch: !allWords, isLive: { live.contains($0) })
        if results.exhausted { throw Self.overBudget }
        let suggestions = suggest ? Suggester.suggestions(for: query, in: index) : []
        // Each hit costs one inflate and one snippet scan; the page's hits are independent, so
        // they are built on all cores (a page of 10 on 2 cores takes about half the time).
        let page = results.hits
        // One more lock hold finds every hit's id and unit. A report removed since ranking is
        // simply left out of the page.
        let found = locations(ofDocs: page.map(\.doc))
        if !withTexts {
            let hits = zip(page, found).compactMap { scored, location in
                location.map {
                    SearchHitResult(id: $0.id, title: "", score: scored.score, snippet: .empty, matchedWords: scored.matchedWords)
                }
            }
            return SearchPage(total: results.total, hits: hits, queryWords: results.queryWords, suggestions: suggestions)
        }
        let built = WorkerResults<Result<SearchHitResult?, Error>>(repeating: .success(nil), count: page.count)
        DispatchQueue.concurrentPerform(iterations: page.count) { i in
            let scored = page[i]
            built.set(i, Result {
                guard let (reportID, chunk, e, codec) = found[i] else { return nil }
                let body = try codec.inflaters.inflate(
                    chunk.bytes(at: Int(e.offset), count: Int(e.length)), textLength: Int(e.textLength), crc: e.crc)
                return SearchHitResult(
                    id: reportID, title: TitleExtractor.title(of: body), score: scored.score,
                    snippet: Snippeter.snippet(text: body, query: query), matchedWords: scored.matchedWords)
            })
        }
        var hits: [SearchHitResult] = []
        hits.reserveCapacity(page.count)
        for result in built.values {
            if let hit = try result.get() { hits.append(hit) }
        }
        return SearchPage(total: results.total, hits: hits, queryWords: results.queryWords, suggestions: suggestions)
    }

    /// The exact number of reports matching every clause of `text`.
    /// - Throws: `QueryError` for a malformed query or one over the work budget.
    public func count(_ queryText: String, fold: Bool) throws -> Int {
        let query = try Query.parse(queryText, fold: fold)
        let (index, live) = currentIndex()
        let result = index.count(query, budget: Query.workBudget, isLive: { live.contains($0) })
        if result.exhausted { throw Self.overBudget }
        return result.count
    }

    /// The error of a query that needs more than Query.workBudget bytes of postings.
    static var overBudget: QueryError {
        QueryError(
            .tooMuchWork,
            "the query needs more than \(Query.workBudget >> 20) MiB of postings; use fewer or rarer words, or fewer prefixes")
    }
}
