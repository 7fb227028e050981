// SearchHitResult and SearchPage: one page of ranked search results as the store
// answers them — ids, titles and snippets resolved from doc numbers. Immutable values.
import ReportIndex

/// One ranked hit, with what a reader needs to pick it.
public struct SearchHitResult: Sendable, Equatable {
    /// The report.
    public let id: ReportID
    /// Its first non-empty line.
    public let title: String
    /// BM25 score (title weighted above body); higher ranks first.
    public let score: Double
    /// Body text around the best cluster of matches, with match ranges in UTF-8 bytes.
    public let snippet: Snippet
}

/// A page of search results.
public struct SearchPage: Sendable, Equatable {
    /// Matching reports in the whole corpus, before paging.
    public let total: Int
    /// The requested page, best first.
    public let hits: [SearchHitResult]
}
