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
    /// Query words in the clauses this report matched (all of them for a strict page).
    public let matchedWords: Int

    /// A hit.
    public init(id: ReportID, title: String, score: Double, snippet: Snippet, matchedWords: Int = 0) {
        self.id = id
        self.title = title
        self.score = score
        self.snippet = snippet
        self.matchedWords = matchedWords
    }
}

/// A page of search results.
public struct SearchPage: Sendable, Equatable {
    /// Reports matching every clause in the whole corpus (what COUNT answers), before paging.
    public let total: Int
    /// The requested page, best first.
    public let hits: [SearchHitResult]
    /// Words in the query's top-level positive clauses (what `matchedWords` is out of).
    public let queryWords: Int
    /// "Did you mean" for words found in (almost) no report, when asked for.
    public let suggestions: [Suggestion]

    /// A page.
    public init(total: Int, hits: [SearchHitResult], queryWords: Int = 0, suggestions: [Suggestion] = []) {
        self.total = total
        self.hits = hits
        self.queryWords = queryWords
        self.suggestions = suggestions
    }
}
