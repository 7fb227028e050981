// SpellingVariant: the i/y spellings of one Vietnamese syllable (protocol/PROTOCOL.md, Appendix
// A.7). After the onsets h, k, l, m, qu, s, t and v, a syllable whose whole rhyme is one toned i or y is
// written either way (`kỹ`/`kĩ`, `lý`/`lí`, `Mỹ`/`Mĩ`, `quý`/`quí`, `tỷ`/`tỉ`): news mostly writes y,
// schoolbooks i. Level-tone ones (`ty`, `ly`, `Vy`, `My`) are left alone, since names are written
// that way. Invariant: the twin of a twin is the term itself; the twin is normalised like the term
// (lowercase NFC). Stateless; reads TextNormalizer's immutable tables, safe concurrently.

/// The i/y twin spelling of a normalised term.
enum SpellingVariant {
    /// Onsets after which a toned i and y alone spell the same syllable.
    private static let onsets: Set<[UInt32]> = Set(["h", "k", "l", "m", "qu", "s", "t", "v"].map { $0.unicodeScalars.map(\.value) })
    /// Indexes of i and y in TextNormalizer.Tables.bases.
    private static let i = TextNormalizer.Tables.bases.firstIndex(of: "i")!
    private static let y = TextNormalizer.Tables.bases.firstIndex(of: "y")!

    /// The term spelt with the other of i and y (`kĩ` -> `kỹ`), or nil when it has no such twin.
    static func twin(of term: [UInt8]) -> [UInt8]? {
        guard term.count >= 3, term.count <= 5, term.last! >= 0x80 else { return nil }
        var scalars = UTF8Codec.decode(term)
        guard let last = scalars.last, last < TextNormalizer.tableLimit, onsets.contains(Array(scalars.dropLast())) else { return nil }
        let tables = TextNormalizer.tables
        let v = tables.vowel[Int(last)]
        let base = Int(v >> 4) - 1
        let tone = Int(v & 0xF)
        guard v != 0, tone != 0, base == i || base == y else { return nil }
        scalars[scalars.count - 1] = tables.compose[base == i ? y : i][tone]
        return UTF8Codec.encode(scalars)
    }
}
