// NoSearchIndex: the error of a search or count on a store that keeps no index (imported with
// `ImportOptions.buildsSearchIndex` off, reportd's --no-search-index): an answer of "nothing
// matches" would be wrong, not empty. A value type.

/// Search and count are refused: this store keeps no full-text index.
public struct NoSearchIndex: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}

    public var description: String {
        "this server keeps no search index (its reports were loaded with --no-search-index): GET and MGET work, SEARCH and COUNT do not"
    }
}
