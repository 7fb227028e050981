// SearchResults and ScoredDoc: the answer to SearchIndex.search. Plain values; Sendable.
// Invariant: `hits` is the page [offset, offset+limit) of all matching live docs ordered by score
// descending, then doc number ascending; `total` counts all matching live docs.

/// One ranked document.
public struct ScoredDoc: Sendable, Equatable {
    /// Dense doc number given to the builder.
    public let doc: UInt32
    /// BM25 score (plus the exact-spelling bonus under `fold`).
    public let score: Double
}

/// A page of ranked results.
public struct SearchResults: Sendable, Equatable {
    /// Number of matching live docs.
    public let total: Int
    /// The requested page.
    public let hits: [ScoredDoc]
}
