// SearchRequest: the parameters of a SEARCH command (PROTOCOL.md §5.7).
//
// Wire body: `u32 limit, u32 offset, str query`; `fold` travels as flag 0x01 in the header,
// `idsOnly` as flag 0x02, `allWords` as 0x04 and `details` as 0x08.
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
    /// Header flag ALL_WORDS (0x04): only reports matching every clause (no best match).
    public var allWords: Bool
    /// Header flag DETAILS (0x08): ask for the details block (words matched per hit) after the hits.
    public var details: Bool

    /// Creates search parameters; defaults to the first ten hits, best match, no folding, full hits.
    public init(
        query: String, limit: UInt32 = 10, offset: UInt32 = 0, fold: Bool = false, idsOnly: Bool = false,
        allWords: Bool = false, details: Bool = false
    ) {
        self.query = query
        self.limit = limit
        self.offset = offset
        self.fold = fold
        self.idsOnly = idsOnly
        self.allWords = allWords
        self.details = details
    }
}
