// Token: one token of a text as the index sees it (protocol/PROTOCOL.md, Appendix A). A plain
// value; Sendable. Invariant: `term` is the normalised form (NFC, lowercase, canonical tone
// placement) and `folded` is `term` with every diacritic removed and đ mapped to d; `byteRange`
// indexes the original bytes.

/// A token of a report or a query.
public struct Token: Sendable, Hashable {
    /// Normalised form: NFC, lowercase, tone on the second vowel of oa/oe/uy.
    public let term: String
    /// `term` without diacritics, đ -> d.
    public let folded: String
    /// UTF-8 byte offsets of the token in the text it came from.
    public let byteRange: Range<Int>

    /// Creates a token.
    public init(term: String, folded: String, byteRange: Range<Int>) {
        self.term = term
        self.folded = folded
        self.byteRange = byteRange
    }

    /// True when the normalised form carries a diacritic (or đ), i.e. differs from its fold.
    public var isAccented: Bool { term != folded }
}
