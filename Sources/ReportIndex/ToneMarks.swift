// ToneMarks: the rule for a word typed without its tone (protocol/PROTOCOL.md, Appendix A.7): in a
// query typed with no tone mark at all, a word that still carries other marks (`Nôi`, `Viêt`,
// `đuoc`) matches, under best match, every spelling that has each of those marks on the same
// letter and any tone. The five tones are those TextNormalizer.Tables composes (grave, acute, hook
// above, tilde, dot below); every other diacritic, and đ, is a mark the word keeps. Invariant:
// `carries(typed:token:)` is true for the typed spelling itself, and only for tokens of the same
// folded form. Stateless; reads TextNormalizer's immutable tables, safe concurrently.

/// Tone marks of normalised (lowercase NFC) words.
enum ToneMarks {
    /// The five tone marks as combining scalars (a mark left standing after NFC counts too).
    private static let combining: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]

    /// Whether a normalised term carries a tone mark.
    static func hasTone(utf8 term: [UInt8]) -> Bool {
        guard term.contains(where: { $0 >= 0x80 }) else { return false }
        return UTF8Codec.decode(term).contains { tone(of: $0) != 0 || combining.contains($0) }
    }

    /// Whether `token` (a normalised term) spells `typed` (a normalised term with no tone mark) with
    /// some tone: letter by letter, a plain letter of `typed` stands for any letter that folds to it,
    /// and a marked one (`ô`, `ư`, `đ`) for itself with any tone.
    static func carries(typed: [UInt8], token: [UInt8]) -> Bool {
        if typed == token { return true }
        let q = UTF8Codec.decode(typed)
        let t = UTF8Codec.decode(token)
        guard q.count == t.count else { return false }
        let tables = TextNormalizer.tables
        for (a, b) in zip(q, t) where a != b {
            if TextNormalizer.fold([a]) == [a] {
                guard TextNormalizer.fold([b]) == [a] else { return false }
            } else {
                // A marked letter typed: b must be it with a tone.
                let v = b < TextNormalizer.tableLimit ? tables.vowel[Int(b)] : 0
                guard v & 0xF != 0, tables.compose[Int(v >> 4) - 1][0] == a else { return false }
            }
        }
        return true
    }

    /// The tone index (1-5) of a precomposed Vietnamese vowel, 0 for any other scalar.
    private static func tone(of value: UInt32) -> UInt8 {
        value < TextNormalizer.tableLimit ? TextNormalizer.tables.vowel[Int(value)] & 0xF : 0
    }
}
