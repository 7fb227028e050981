// SegmentedIndex: the searchable index as a list of immutable IndexSegments with ascending,
// non-overlapping global doc ranges (the imported corpus, flushed puts, merge results). A query runs
// on each segment on its own (isLive translated to the segment's local numbers); counts add up and
// pages merge by (score descending, global doc ascending).
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

    /// Ranked page of matching live docs (global numbers): score descending, then doc ascending.
    /// Each segment is asked for its best offset + limit; their union holds the page.
    /// - Parameters:
    ///   - query: A parsed query (its `fold` option applies).
    ///   - limit: Page size (>= 0).
    ///   - offset: Number of ranked docs to skip (>= 0).
    ///   - isLive: False for deleted global doc numbers; they neither match nor count.
    public func search(_ query: Query, limit: Int, offset: Int, isLive: (UInt32) -> Bool) -> SearchResults {
        let skip = max(0, offset)
        let (sum, overflow) = skip.addingReportingOverflow(max(0, limit))
        let wanted = overflow ? Int.max : sum
        var total = 0
        var hits: [ScoredDoc] = []
        for segment in segments {
            let base = segment.base
            // A segment has no more hits than slots; the clamp also keeps a huge limit from overflowing.
            let results = segment.index.search(query, limit: min(wanted, segment.index.docSlots), offset: 0) {
                isLive(base + $0)
            }
            total += results.total
            hits.append(contentsOf: results.hits.map { ScoredDoc(doc: base + $0.doc, score: $0.score) })
        }
        if segments.count > 1 {
            hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
        }
        let start = min(skip, hits.count)
        return SearchResults(total: total, hits: Array(hits[start..<min(hits.count, wanted)]))
    }

    /// Exact number of matching live docs: the sum over segments.
    public func count(_ query: Query, isLive: (UInt32) -> Bool) -> Int {
        segments.reduce(0) { total, segment in
            let base = segment.base
            return total + segment.index.count(query) { isLive(base + $0) }
        }
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
