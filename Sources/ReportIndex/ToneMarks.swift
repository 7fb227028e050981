// ToneMarks: the rule for a word typed without its tone (protocol/PROTOCOL.md, Appendix A.7): in a
// query typed with no tone mark at all, a word that still carries other marks (`Nôi`, `Viêt`,
// `đuoc`) matches, under best match, every spelling that has each of those marks on the same
// letter and any tone. The tone marks are the five Vietnamese ones as combining marks (grave,
// acute, hook above, tilde, dot below), on any letter: `ñ` and `é` carry one. Every other mark,
// and đ, is a mark the word keeps. Invariant: `carries(typed:token:)` is true for the typed spelling
// itself, and only for tokens of the same folded form. Stateless; the tables are built once
// (thread-safe global `let`) and read concurrently.
import Foundation

/// Tone marks of normalised (lowercase NFC) words.
enum ToneMarks {
    /// The five tone marks as combining scalars.
    static let combining: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]

    /// Per scalar below TextNormalizer.tableLimit: whether its canonical decomposition holds a tone
    /// mark, and the scalar without its tone marks (itself when it has none, or when taking them
    /// away leaves no single precomposed scalar).
    private struct Tables: Sendable {
        var toned = [Bool](repeating: false, count: Int(TextNormalizer.tableLimit))
        var untoned = [UInt32](repeating: 0, count: Int(TextNormalizer.tableLimit))

        init() {
            for value in 0..<TextNormalizer.tableLimit {
                untoned[Int(value)] = value
                guard let scalar = Unicode.Scalar(value) else { continue }
                let (has, without) = ToneMarks.split(scalar)
                toned[Int(value)] = has
                if has, let single = without { untoned[Int(value)] = single }
            }
        }
    }

    private static let tables = Tables()

    /// Whether `scalar` holds a tone mark, and the single scalar it is without them (nil if none).
    private static func split(_ scalar: Unicode.Scalar) -> (hasTone: Bool, without: UInt32?) {
        let marks = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        guard marks.contains(where: { combining.contains($0.value) }) else { return (false, scalar.value) }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: marks.filter { !combining.contains($0.value) })
        let recomposed = String(kept).precomposedStringWithCanonicalMapping.unicodeScalars
        return (true, recomposed.count == 1 ? recomposed.first!.value : nil)
    }

    /// Whether a normalised term carries a tone mark on any letter.
    static func hasTone(utf8 term: [UInt8]) -> Bool {
        guard term.contains(where: { $0 >= 0x80 }) else { return false }
        return UTF8Codec.decode(term).contains { value in
            if value < TextNormalizer.tableLimit { return tables.toned[Int(value)] }
            return Unicode.Scalar(value).map { split($0).hasTone } ?? false
        }
    }

    /// Whether `token` (a normalised term) spells `typed` (a normalised term with no tone mark) with
    /// some tone: letter by letter, a plain letter of `typed` stands for any letter that folds to it,
    /// and a marked one (`ô`, `ư`, `đ`, `ü`) for itself with any tone.
    static func carries(typed: [UInt8], token: [UInt8]) -> Bool {
        if typed == token { return true }
        let q = UTF8Codec.decode(typed)
        let t = UTF8Codec.decode(token)
        guard q.count == t.count else { return false }
        for (a, b) in zip(q, t) where a != b {
            if TextNormalizer.fold([a]) == [a] {
                guard TextNormalizer.fold([b]) == [a] else { return false }
            } else {
                // A marked letter typed: b must be it with a tone.
                let without = b < TextNormalizer.tableLimit
                    ? tables.untoned[Int(b)] : (Unicode.Scalar(b).flatMap { split($0).without } ?? b)
                guard without == a else { return false }
            }
        }
        return true
    }
}
