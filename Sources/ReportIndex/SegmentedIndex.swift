// SegmentedIndex: the searchable index as a list of immutable IndexSegments with ascending,
// non-overlapping global doc ranges (the imported corpus, flushed puts, merge results). A query runs
// on each segment on its own (isLive translated to the segment's local numbers); counts add up and
// pages merge by (best match's top group first, score descending, global doc ascending).
//
// Per-segment evaluation gives exactly the result sets of one index over all docs: every doc lives
// wholly in one segment, so exclusions, phrases and title: restrictions are decided where its
// positions are. Scores are not global: BM25's N, df and avgdl are each segment's own, which BM25
// tolerates (a small segment's idf is noisier); SegmentMerger restores exact statistics for the docs
// it merges. One prefix-expansion cap applies per segment.
//
// Invariant: `segments` sorted by base, doc ranges disjoint. Immutable; Sendable; queries may run
// concurrently.

/// A segmented index answering queries with global doc numbers.
public struct SegmentedIndex: Sendable {
    /// The segments, ascending by `base`, with disjoint doc ranges.
    public let segments: [IndexSegment]

    /// Creates an index over `segments` (any order; their doc ranges must not overlap).
    public init(segments: [IndexSegment]) {
        let sorted = segments.sorted { $0.base < $1.base }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            precondition(earlier.docRange.upperBound <= later.base, "segment doc ranges overlap")
        }
        self.segments = sorted
    }

    /// Ranked page of live docs (global numbers): score descending, then doc ascending.
    /// Each segment is asked for its best offset + limit; their union holds the page.
    /// - Parameters:
    ///   - query: A parsed query (its `fold` option applies).
    ///   - limit: Page size (>= 0).
    ///   - offset: Number of ranked docs to skip (>= 0).
    ///   - bestMatch: Best match (docs with some of the clauses, all of them first) instead of strict.
    ///   - budget: Posting bytes the query may decode over all segments.
    ///   - isLive: False for deleted global doc numbers; they neither match nor count.
    public func search(
        _ query: Query, limit: Int, offset: Int, bestMatch: Bool = false, budget: Int = Query.workBudget,
        isLive: (UInt32) -> Bool
    ) -> SearchResults {
        let skip = max(0, offset)
        let (sum, overflow) = skip.addingReportingOverflow(max(0, limit))
        let wanted = overflow ? Int.max : sum
        var total = 0
        var spent = 0
        var hits: [ScoredDoc] = []
        for segment in segments {
            let base = segment.base
            // A segment has no more hits than slots; the clamp also keeps a huge limit from overflowing.
            let results = segment.index.search(
                query, limit: min(wanted, segment.index.docSlots), offset: 0, bestMatch: bestMatch,
                budget: budget - spent
            ) { isLive(base + $0) }
            spent += results.spent
            if results.exhausted {
                return SearchResults(total: 0, hits: [], queryWords: query.clauseWords, exhausted: true, spent: spent)
            }
            total += results.total
            hits.append(contentsOf: results.hits.map { $0.renumbered(base + $0.doc) })
        }
        if segments.count > 1 { hits.sort(by: ScoredDoc.precedes) }
        let start = min(skip, hits.count)
        return SearchResults(
            total: total, hits: Array(hits[start..<min(hits.count, wanted)]), queryWords: query.clauseWords, spent: spent)
    }

    /// Exact number of live docs matching every clause: the sum over segments.
    public func count(_ query: Query, isLive: (UInt32) -> Bool) -> Int {
        count(query, budget: Int.max, isLive: isLive).count
    }

    /// Exact count within a work budget (posting bytes over all segments); `exhausted` when exceeded.
    public func count(_ query: Query, budget: Int, isLive: (UInt32) -> Bool) -> (count: Int, exhausted: Bool) {
        var total = 0
        var spent = 0
        for segment in segments {
            let base = segment.base
            let result = segment.index.count(query, budget: budget - spent) { isLive(base + $0) }
            if result.exhausted { return (0, true) }
            spent += result.spent
            total += result.count
        }
        return (total, false)
    }

    /// Global doc numbers matching `query` (live or not), ascending. For tests and tools.
    public func matchingDocs(_ query: Query) -> [UInt32] {
        segments.flatMap { segment in segment.index.matchingDocs(query).map { segment.base + $0 } }
    }

    /// Bytes held by all segments' arrays.
    public var byteCount: Int { segments.reduce(0) { $0 + $1.index.byteCount } }

    /// Sum of the segments' term counts: a term present in several segments counts once per
    /// segment, so this is at least the number of distinct terms (exact after a full merge).
    public var termCount: Int { segments.reduce(0) { $0 + $1.index.termCount } }

    /// Documents indexed in all segments (deleted ones included until a merge drops them).
    public var documentCount: Int { segments.reduce(0) { $0 + $1.index.documentCount } }
}
