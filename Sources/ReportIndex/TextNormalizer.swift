// TextNormalizer: the text rules of protocol/PROTOCOL.md Appendix A applied to one token's Unicode
// scalars: NFC (only when the run holds a combining mark), lowercase, canonical tone placement on
// oa/oe/uy, and the diacritic-free folded form. Invariant: `normalize` is idempotent and `fold`
// maps each scalar to at most one scalar, so a prefix of a normalised term folds to a prefix of its
// fold. Stateless; the lookup tables are built once (thread-safe global `let`) and may be used
// concurrently.
import Foundation

/// Normalisation and folding of token scalars (see protocol/PROTOCOL.md, Appendix A.1-A.4).
enum TextNormalizer {
    /// Scalars below this value use precomputed tables; the rest take the slow property path.
    static let tableLimit: UInt32 = 0x2000

    struct Tables: Sendable {
        /// 1 = token character (letter, mark, decimal digit), 2 = combining mark (also a token character).
        var kind = [UInt8](repeating: 0, count: Int(TextNormalizer.tableLimit))
        /// Single-scalar lowercase mapping, or 0 when the mapping is not a single scalar.
        var lower = [UInt32](repeating: 0, count: Int(TextNormalizer.tableLimit))
        /// Folded scalar (no diacritics, đ -> d), or 0 for combining marks (dropped).
        var fold = [UInt32](repeating: 0, count: Int(TextNormalizer.tableLimit))
        /// Vietnamese vowel decomposition: base index (1-based into `bases`) << 4 | tone index, or 0.
        var vowel = [UInt8](repeating: 0, count: Int(TextNormalizer.tableLimit))
        /// compose[base][tone] = precomposed lowercase scalar.
        var compose: [[UInt32]] = []

        static let bases: [Character] = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
        /// none, grave, acute, hook above, tilde, dot below.
        static let tones: [String] = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"]

        init() {
            for value in 0..<TextNormalizer.tableLimit {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let properties = scalar.properties
                switch properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                    .decimalNumber:
                    kind[Int(value)] = 1
                case .nonspacingMark, .spacingMark, .enclosingMark:
                    kind[Int(value)] = 2
                default:
                    break
                }
                let lowered = Array(properties.lowercaseMapping.unicodeScalars)
                lower[Int(value)] = lowered.count == 1 ? lowered[0].value : 0
                if kind[Int(value)] == 2 {
                    fold[Int(value)] = 0
                } else {
                    let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                        .filter { !TextNormalizer.isMarkSlow($0) }
                    fold[Int(value)] = decomposed.count == 1 ? decomposed.first!.value : value
                }
            }
            // đ/Đ have no canonical decomposition; the rules fold them to d.
            fold[0x111] = 0x64
            fold[0x110] = 0x64
            for (baseIndex, base) in Self.bases.enumerated() {
                var row: [UInt32] = []
                for (toneIndex, tone) in Self.tones.enumerated() {
                    let composed = (String(base) + tone).precomposedStringWithCanonicalMapping.unicodeScalars
                    let value = composed.first!.value
                    row.append(value)
                    vowel[Int(value)] = UInt8((baseIndex + 1) << 4 | toneIndex)
                }
                compose.append(row)
            }
        }
    }

    static let tables = Tables()

    static func isMarkSlow(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// 0 = separator, 1 = token character, 2 = combining mark (a token character too).
    @inline(__always)
    static func kind(_ value: UInt32) -> UInt8 {
        if value < tableLimit { return tables.kind[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return 1
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return 2
        default:
            return 0
        }
    }

    /// Normalises one token in place: NFC if `hasMark`, lowercase, canonical tone placement.
    static func normalize(_ scalars: inout [UInt32], hasMark: Bool) {
        if hasMark {
            var string = String.UnicodeScalarView()
            for value in scalars { if let s = Unicode.Scalar(value) { string.append(s) } }
            scalars = String(string).precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        }
        var lowered: [UInt32]? = nil
        for index in scalars.indices {
            let value = scalars[index]
            if value < 0x80 {
                if value >= 0x41 && value <= 0x5A {
                    if lowered != nil { lowered!.append(value | 0x20) } else { scalars[index] = value | 0x20 }
                } else if lowered != nil {
                    lowered!.append(value)
                }
                continue
            }
            let single: UInt32 = value < tableLimit ? tables.lower[Int(value)] : 0
            if single != 0 {
                if lowered != nil { lowered!.append(single) } else { scalars[index] = single }
            } else {
                // Multi-scalar (or out-of-table) lowercase mapping: switch to an appending copy.
                if lowered == nil { lowered = Array(scalars[..<index]) }
                let mapping = Unicode.Scalar(value).map { $0.properties.lowercaseMapping.unicodeScalars.map(\.value) }
                lowered!.append(contentsOf: mapping ?? [value])
            }
        }
        if let lowered { scalars = lowered }
        placeTones(&scalars)
    }

    /// Moves a tone mark from the first to the second vowel of oa, oe, uy ("new style": hòa -> hoà,
    /// khỏe -> khoẻ, thủy -> thuỷ, hòan -> hoàn). Expects lowercase NFC scalars.
    static func placeTones(_ scalars: inout [UInt32]) {
        guard scalars.count >= 2 else { return }
        let vowel = tables.vowel
        for index in 0..<(scalars.count - 1) {
            let first = scalars[index]
            let second = scalars[index + 1]
            guard first < tableLimit, second < tableLimit else { continue }
            let v1 = vowel[Int(first)]
            let v2 = vowel[Int(second)]
            guard v1 != 0, v2 != 0 else { continue }
            let tone1 = Int(v1 & 0xF)
            let tone2 = Int(v2 & 0xF)
            guard tone1 != 0, tone2 == 0 else { continue }
            let base1 = Int(v1 >> 4) - 1
            let base2 = Int(v2 >> 4) - 1
            // bases: 0 a, 3 e, 6 o, 9 u, 11 y
            let pairMatches = (base1 == 6 && (base2 == 0 || base2 == 3)) || (base1 == 9 && base2 == 11)
            guard pairMatches else { continue }
            scalars[index] = tables.compose[base1][0]
            scalars[index + 1] = tables.compose[base2][tone1]
        }
    }

    /// The folded form: every diacritic dropped, đ -> d. Expects normalised (lowercase NFC) scalars.
    static func fold(_ scalars: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(scalars.count)
        for value in scalars {
            if value < 0x80 {
                result.append(value)
            } else if value < tableLimit {
                let folded = tables.fold[Int(value)]
                if folded != 0 { result.append(folded) }
            } else if kind(value) != 2 {
                result.append(value)
            }
        }
        return result
    }

    /// Folds a normalised term given as UTF-8 bytes.
    static func fold(utf8 term: some Collection<UInt8>) -> [UInt8] {
        if term.allSatisfy({ $0 < 0x80 }) { return Array(term) }
        return UTF8Codec.encode(fold(UTF8Codec.decode(term)))
    }
}
