// ReportStore+Search: full-text search — parse the query, rank with one version's index,
// then inflate only the page's reports for titles and snippets, all from that one version
// (CorpusVersion.search; ReportStore.search loads the current version once and calls it).
// Thread-safe like the store: no lock is taken; the version is immutable and reads inflate with
// pooled inflaters.
import Dispatch
import ReportIndex

extension ReportStore {
    /// Ranked search on the current version (`CorpusVersion.search`).
    public func search(
        _ queryText: String, limit: Int, offset: Int, fold: Bool, withTexts: Bool = true, allWords: Bool = false,
        suggest: Bool = false
    ) throws -> SearchPage {
        try pinForQuery().search(
            queryText, limit: limit, offset: offset, fold: fold, withTexts: withTexts, allWords: allWords, suggest: suggest)
    }

    /// The exact number of reports matching every clause of `text`, in the current version.
    /// - Throws: `QueryError` for a malformed query or one over the work budget.
    public func count(_ queryText: String, fold: Bool) throws -> Int {
        try pinForQuery().count(queryText, fold: fold)
    }

    /// Whether search and count are served (false for a store kept without an index: they throw
    /// NoSearchIndex).
    public var keepsSearchIndex: Bool { current.state.index.enabled }

    /// The current version for a query (`willQuery`).
    private func pinForQuery() -> CorpusVersion {
        let version = current
        willQuery(version)
        return version
    }

    /// Call before querying `version`: if it has writes not yet indexed, asks for a background
    /// flush (the query tokenizes them itself meanwhile, once per version) of the segment this
    /// query builds (`tokenizedTail`), so later versions have them in a segment and the next
    /// queries tokenize only the writes made since.
    public func willQuery(_ version: CorpusVersion) {
        guard version.hasPendingWrites else { return }
        tokenizedTail.store(version, ordering: .releasing)
        scheduleIndexMaintenance()
    }
}

extension CorpusVersion {
    /// Ranked search of this version: ranking, liveness and the page's texts all from it.
    /// - Parameters:
    ///   - text: the query (protocol/PROTOCOL.md, Appendix A).
    ///   - fold: also match accented terms without their marks (exact spellings rank first).
    ///   - withTexts: false for ids and scores only (empty titles and snippets): no report is
    ///     inflated, so the page costs about what ranking costs.
    ///   - allWords: rank only reports matching every clause (strict); by default best match also
    ///     ranks reports with some of the words, below those with all of them.
    ///   - suggest: also look for "did you mean" suggestions (ReportIndex.Suggester).
    /// - Throws: `QueryError` for a malformed query or one over the work budget (`.tooMuchWork`);
    ///   `StoreError` `.corrupt` if a hit's text is damaged; `NoSearchIndex` if the store keeps none.
    public func search(
        _ queryText: String, limit: Int, offset: Int, fold: Bool, withTexts: Bool = true, allWords: Bool = false,
        suggest: Bool = false
    ) throws -> SearchPage {
        guard state.index.enabled else { throw NoSearchIndex() }
        let query = try Query.parse(queryText, fold: fold)
        let version = self
        let index = searchIndex
        let isLive = state.live.flatTest()
        let results = index.search(query, limit: limit, offset: offset, bestMatch: !allWords, isLive: isLive)
        if results.exhausted { throw Self.overBudget }
        // What the page's words matched: best match widens some words (any tone, or an i/y twin:
        // Query.bestMatchForm), so suggestions and highlights follow that form.
        let matched = allWords ? query : query.bestMatchForm
        let suggestions = suggest ? Suggester.suggestions(for: matched, in: index) : []
        // Each hit costs one inflate and one snippet scan; the page's hits are independent, so
        // they are built on all cores (a page of 10 on 2 cores takes about half the time).
        let page = results.hits
        let wordList = matched.isWordList
        // Every hit is live in the version that ranked it.
        let found = page.map { hit in version.id(forDoc: hit.doc).flatMap { id in version.unit(ofDoc: hit.doc).map { (id, $0) } } }
        if !withTexts {
            let hits = zip(page, found).compactMap { scored, location in
                location.map {
                    SearchHitResult(id: $0.0, title: "", score: scored.score, snippet: .empty, matchedWords: scored.matchedWords)
                }
            }
            return SearchPage(total: results.total, hits: hits, queryWords: results.queryWords, suggestions: suggestions)
        }
        let built = WorkerResults<Result<SearchHitResult?, Error>>(repeating: .success(nil), count: page.count)
        DispatchQueue.concurrentPerform(iterations: page.count) { i in
            let scored = page[i]
            built.set(i, Result {
                guard let (reportID, unit) = found[i] else { return nil }
                let body = try unit.text()
                return SearchHitResult(
                    id: reportID, title: TitleExtractor.title(of: body), score: scored.score,
                    snippet: Snippeter.snippet(text: body, query: matched, heldLeaves: wordList ? scored.matchedWords : nil),
                    matchedWords: scored.matchedWords)
            })
        }
        var hits: [SearchHitResult] = []
        hits.reserveCapacity(page.count)
        for result in built.values {
            if let hit = try result.get() { hits.append(hit) }
        }
        return SearchPage(total: results.total, hits: hits, queryWords: results.queryWords, suggestions: suggestions)
    }

    /// The exact number of reports matching every clause of `text` in this version.
    /// - Throws: `QueryError` for a malformed query or one over the work budget; `NoSearchIndex`
    ///   if the store keeps none.
    public func count(_ queryText: String, fold: Bool) throws -> Int {
        guard state.index.enabled else { throw NoSearchIndex() }
        let query = try Query.parse(queryText, fold: fold)
        let index = searchIndex
        let isLive = state.live.flatTest()
        let result = index.count(query, budget: Query.workBudget, isLive: isLive)
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
