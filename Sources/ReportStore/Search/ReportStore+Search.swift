// ReportStore+Search: full-text search over the store — parse the query, rank with the
// index, then inflate only the page's reports for titles and snippets. Thread-safe like
// the store: the index is immutable and reads inflate with pooled inflaters.
import Dispatch
import ReportIndex

/// The result slots of one search page; each concurrentPerform iteration writes only its own.
private final class HitSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Result<SearchHitResult?, Error>>
    init(_ buffer: UnsafeMutableBufferPointer<Result<SearchHitResult?, Error>>) { self.buffer = buffer }
}

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
        let index = currentIndex()
        let results = retiredAny
            ? index.search(query, limit: limit, offset: offset, bestMatch: !allWords, isLive: isLive)
            : index.search(query, limit: limit, offset: offset, bestMatch: !allWords, isLive: { _ in true })
        if results.exhausted { throw Self.overBudget }
        let suggestions = suggest ? Suggester.suggestions(for: query, in: index) : []
        // Each hit costs one inflate and one snippet scan; the page's hits are independent, so
        // they are built on all cores (a page of 10 on 2 cores takes about half the time).
        let page = results.hits
        if !withTexts {
            let hits = page.compactMap { scored in
                id(forDoc: scored.doc).map {
                    SearchHitResult(id: $0, title: "", score: scored.score, snippet: .empty, matchedWords: scored.matchedWords)
                }
            }
            return SearchPage(total: results.total, hits: hits, queryWords: results.queryWords, suggestions: suggestions)
        }
        let built = UnsafeMutableBufferPointer<Result<SearchHitResult?, Error>>.allocate(capacity: page.count)
        built.initialize(repeating: .success(nil))
        defer { built.deinitialize().deallocate() }
        let slots = HitSlots(built)
        DispatchQueue.concurrentPerform(iterations: page.count) { i in
            let scored = page[i]
            slots.buffer[i] = Result {
                // A report removed between ranking and here is simply left out of the page.
                guard let reportID = id(forDoc: scored.doc), let body = try self.text(forDoc: scored.doc) else {
                    return nil
                }
                return SearchHitResult(
                    id: reportID, title: TitleExtractor.title(of: body), score: scored.score,
                    snippet: Snippeter.snippet(text: body, query: query), matchedWords: scored.matchedWords)
            }
        }
        var hits: [SearchHitResult] = []
        hits.reserveCapacity(page.count)
        for result in built {
            if let hit = try result.get() { hits.append(hit) }
        }
        return SearchPage(total: results.total, hits: hits, queryWords: results.queryWords, suggestions: suggestions)
    }

    /// The exact number of reports matching every clause of `text`.
    /// - Throws: `QueryError` for a malformed query or one over the work budget.
    public func count(_ queryText: String, fold: Bool) throws -> Int {
        let query = try Query.parse(queryText, fold: fold)
        let index = currentIndex()
        let result = retiredAny
            ? index.count(query, budget: Query.workBudget, isLive: isLive)
            : index.count(query, budget: Query.workBudget, isLive: { _ in true })
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
