// CorpusGenerator: seeded generator of Vietnamese-like reports and random queries for the
// brute-force comparison. Syllables combine onsets, vowels with all six tones and codas; texts mix
// NFC and NFD, both tone placements on oa/oe/uy, upper case, codes like 35-CT/TW, punctuation and
// emoji. One value per test; deterministic for a given seed.
import Foundation

@testable import ReportIndex

struct CorpusGenerator {
    var rng: SplitMix64
    /// Syllables in canonical NFC spelling; old-style variants are rendered on the fly.
    private(set) var vocabulary: [String] = []

    static let onsets = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "t", "th", "tr", "v", "x"]
    /// Nuclei; the index of the vowel that carries the tone in the new style.
    static let nuclei: [(String, Int)] = [
        ("a", 0), ("ă", 0), ("â", 0), ("e", 0), ("ê", 0), ("i", 0), ("o", 0), ("ô", 0), ("ơ", 0), ("u", 0),
        ("ư", 0), ("y", 0), ("oa", 1), ("oe", 1), ("uy", 1), ("ươ", 1), ("iê", 1), ("uô", 1),
    ]
    static let codas = ["", "", "", "c", "m", "n", "ng", "nh", "t", "p"]
    static let tones = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"]
    static let codes = ["35-CT/TW", "COVID-19", "2017", "10.000", "NĐ-CP", "3,5%"]
    static let punctuation = [",", ".", "!", "?", ":", " —", "…", " 🎉", " (", ")", "\""]

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
        var seen = Set<String>()
        while vocabulary.count < 260 {
            let syllable = makeSyllable(oldStyle: false)
            if seen.insert(syllable).inserted { vocabulary.append(syllable) }
        }
    }

    mutating func int(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }

    /// One syllable; `oldStyle` puts the tone of oa/oe/uy on the first vowel (no coda only matters
    /// to humans; the rules treat both placements as one token anyway).
    mutating func makeSyllable(oldStyle: Bool, from base: String? = nil) -> String {
        let onset = Self.onsets[int(Self.onsets.count)]
        let (nucleus, toneIndex) = Self.nuclei[int(Self.nuclei.count)]
        let coda = Self.codas[int(Self.codas.count)]
        let tone = Self.tones[int(Self.tones.count)]
        var letters = Array(nucleus)
        let target = oldStyle && ["oa", "oe", "uy"].contains(nucleus) ? 0 : toneIndex
        letters[target] = Character(String(letters[target]) + tone)
        return (onset + String(letters) + coda).precomposedStringWithCanonicalMapping
    }

    /// Renders a vocabulary syllable with random case, tone placement and normalisation form.
    mutating func render(_ syllable: String) -> String {
        var text = syllable
        if chance(25) { text = Self.oldStyle(text) }
        if chance(10) { text = text.uppercased() } else if chance(15) { text = text.prefix(1).uppercased() + text.dropFirst() }
        if chance(15) { text = text.decomposedStringWithCanonicalMapping }
        return text
    }

    /// Moves the tone of oa/oe/uy onto the first vowel (old style), in NFC.
    static func oldStyle(_ syllable: String) -> String {
        var scalars = Array(syllable.decomposedStringWithCanonicalMapping.unicodeScalars)
        for i in 0..<max(0, scalars.count - 2) {
            let pair = (scalars[i] == "o" && (scalars[i + 1] == "a" || scalars[i + 1] == "e"))
                || (scalars[i] == "u" && scalars[i + 1] == "y")
            if pair, BruteForce.toneMarks.contains(scalars[i + 2].value) {
                scalars.swapAt(i + 1, i + 2)
                break
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view).precomposedStringWithCanonicalMapping
    }

    /// Zipf-like pick: low indices far more often.
    mutating func pickSyllable() -> String {
        let r = Double(int(10_000) + 1) / 10_001
        return vocabulary[min(vocabulary.count - 1, Int(pow(r, 2.2) * Double(vocabulary.count)))]
    }

    mutating func sentence(words: Int) -> String {
        var parts: [String] = []
        for _ in 0..<words {
            var word = chance(4) ? Self.codes[int(Self.codes.count)] : render(pickSyllable())
            if chance(12) { word += Self.punctuation[int(Self.punctuation.count)] }
            parts.append(word)
        }
        return parts.joined(separator: " ")
    }

    /// An index of `documents` generated documents, doc numbers 0 ..< documents.
    mutating func index(documents: Int) -> SearchIndex {
        var builder = IndexBuilder()
        for doc in 0..<documents { builder.add(doc: UInt32(doc), text: Array(document().utf8)) }
        return builder.build()
    }

    mutating func document() -> String {
        var text = chance(10) ? "\n  \n" : ""
        text += "  " + sentence(words: 2 + int(7)) + " \n"
        let paragraphs = 1 + int(4)
        for p in 0..<paragraphs {
            text += sentence(words: 5 + int(30))
            if p + 1 < paragraphs { text += "\n" }
        }
        return text
    }

    // MARK: Queries

    /// A query word: accented or folded, sometimes a prefix, sometimes a word of a given doc.
    mutating func queryWord(from words: [String]) -> String {
        let syllable = words.isEmpty || chance(50) ? pickSyllable() : words[int(words.count)]
        var text = chance(40) ? Self.fold(syllable) : render(syllable)
        if chance(12) {
            let scalars = Array(text.precomposedStringWithCanonicalMapping)
            if scalars.count >= 2 { text = String(scalars.prefix(2 + int(scalars.count - 1))) + "*" }
        }
        return text
    }

    static func fold(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
                    .decomposedStringWithCanonicalMapping.unicodeScalars
                    .filter { $0.properties.generalCategory != .nonspacingMark }))
    }

    mutating func unit(docWords: [String]) -> String {
        var text: String
        switch int(10) {
        case 0, 1:
            // A phrase copied from a document (so it hits), some words folded.
            if docWords.count >= 3 {
                let start = int(docWords.count - 2)
                let length = 2 + int(2)
                text = "\"" + docWords[start..<min(docWords.count, start + length)].map { chance(30) ? Self.fold($0) : $0 }.joined(separator: " ") + "\""
            } else {
                text = "\"" + queryWord(from: docWords) + " " + queryWord(from: docWords) + "\""
            }
            text = text.replacingOccurrences(of: "*", with: "")
        case 2:
            text = "(" + queryWord(from: docWords) + " " + queryWord(from: docWords) + ")"
        default:
            text = queryWord(from: docWords)
        }
        if chance(12) { text = "title:" + text }
        return text
    }

    mutating func query(docWords: [String]) -> String {
        var clauses: [String] = []
        for _ in 0..<(1 + int(3)) {
            var clause = unit(docWords: docWords)
            if chance(25) { clause += " OR " + unit(docWords: docWords) }
            clauses.append(clause)
        }
        if chance(30) { clauses.append("-" + unit(docWords: docWords)) }
        return clauses.joined(separator: " ")
    }
}
