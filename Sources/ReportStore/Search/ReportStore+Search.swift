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
    /// - Throws: `QueryError` for a malformed query; `StoreError` `.corrupt` if a hit's text is damaged.
    public func search(_ queryText: String, limit: Int, offset: Int, fold: Bool, withTexts: Bool = true) throws -> SearchPage {
        let query = try Query.parse(queryText, fold: fold)
        let index = currentIndex()
        let results = retiredAny
            ? index.search(query, limit: limit, offset: offset, isLive: isLive)
            : index.search(query, limit: limit, offset: offset, isLive: { _ in true })
        // Each hit costs one inflate and one snippet scan; the page's hits are independent, so
        // they are built on all cores (a page of 10 on 2 cores takes about half the time).
        let page = results.hits
        if !withTexts {
            let hits = page.compactMap { scored in
                id(forDoc: scored.doc).map { SearchHitResult(id: $0, title: "", score: scored.score, snippet: .empty) }
            }
            return SearchPage(total: results.total, hits: hits)
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
                    snippet: Snippeter.snippet(text: body, query: query))
            }
        }
        var hits: [SearchHitResult] = []
        hits.reserveCapacity(page.count)
        for result in built {
            if let hit = try result.get() { hits.append(hit) }
        }
        return SearchPage(total: results.total, hits: hits)
    }

    /// The exact number of reports matching `text`.
    /// - Throws: `QueryError` for a malformed query.
    public func count(_ queryText: String, fold: Bool) throws -> Int {
        let query = try Query.parse(queryText, fold: fold)
        let index = currentIndex()
        return retiredAny ? index.count(query, isLive: isLive) : index.count(query, isLive: { _ in true })
    }
}
