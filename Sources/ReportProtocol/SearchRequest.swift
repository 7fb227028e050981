// SearchRequest: the parameters of a SEARCH command (PROTOCOL.md §5.7).
//
// Wire body: `u32 limit, u32 offset, str query`; `fold` travels as flag 0x01 in the header,
// `idsOnly` as flag 0x02.
// No invariant beyond the field ranges; the server enforces its own page-size limit. Value type.

/// Parameters of SEARCH (PROTOCOL.md §5.7).
public struct SearchRequest: Sendable, Hashable {
    /// The query text, parsed by the server's query language.
    public var query: String
    /// At most this many hits are returned.
    public var limit: UInt32
    /// Hits to skip before the first one returned (paging).
    public var offset: UInt32
    /// Header flag FOLD (0x01): match with case and diacritics folded.
    public var fold: Bool
    /// Header flag IDS_ONLY (0x02): hits without title and snippet, for scripts that want ids.
    public var idsOnly: Bool

    /// Creates search parameters; defaults to the first ten hits, no folding, full hits.
    public init(query: String, limit: UInt32 = 10, offset: UInt32 = 0, fold: Bool = false, idsOnly: Bool = false) {
        self.query = query
        self.limit = limit
        self.offset = offset
        self.fold = fold
        self.idsOnly = idsOnly
    }
}
