// BruteForce: an index-free reference matcher written apart from ReportIndex's tokenizer and index.
// It tokenises with Foundation string APIs (NFC, lowercased(), NFD-based folding and tone moving),
// splits title and body by lines, and evaluates a parsed Query tree by scanning every document's
// token lists. Slow and obvious on purpose. Immutable after init.
import Foundation

@testable import ReportIndex

struct BruteForce {
    struct Word: Hashable {
        let term: [UInt8]
        let folded: [UInt8]
    }

    struct Document {
        let number: UInt32
        let title: [Word]
        let body: [Word]
    }

    let documents: [Document]
    /// Distinct words with their document frequency, for the prefix-expansion cap.
    let vocabulary: [(word: Word, df: Int)]

    init(texts: [(UInt32, String)]) {
        documents = texts.map { number, text in
            var lines = text.components(separatedBy: "\n")
            var title: [Word] = []
            while !lines.isEmpty {
                let line = lines.removeFirst()
                if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    title = Self.words(line)
                    break
                }
            }
            return Document(number: number, title: title, body: Self.words(lines.joined(separator: "\n")))
        }
        var df: [Word: Int] = [:]
        for document in documents {
            for word in Set(document.title + document.body) { df[word, default: 0] += 1 }
        }
        vocabulary = df.map { ($0.key, $0.value) }
    }

    // MARK: Reference text rules

    static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
            .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    static func words(_ text: String) -> [Word] {
        var result: [Word] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { result.append(normalise(String(current))) }
            current = String.UnicodeScalarView()
        }
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if isTokenScalar(scalar) { current.append(scalar) } else { flush() }
        }
        flush()
        return result
    }

    static let toneMarks: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]

    /// lowercase, then move a tone mark from o/u to a following bare a/e (after o) or y (after u).
    static func normalise(_ token: String) -> Word {
        var scalars = Array(token.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value))
        var i = 0
        while i + 2 < scalars.count {
            let first = scalars[i]
            let tone = scalars[i + 1]
            let second = scalars[i + 2]
            let pair = (first == 0x6F && (second == 0x61 || second == 0x65)) || (first == 0x75 && second == 0x79)
            let secondBare = i + 3 >= scalars.count || !(0x300...0x36F).contains(scalars[i + 3])
            if pair && toneMarks.contains(tone) && secondBare {
                scalars[i + 1] = second
                scalars[i + 2] = tone
                i += 3
            } else {
                i += 1
            }
        }
        var view = String.UnicodeScalarView()
        for value in scalars { view.append(Unicode.Scalar(value)!) }
        let term = String(view).precomposedStringWithCanonicalMapping
        let folded = String(
            String.UnicodeScalarView(
                term.replacingOccurrences(of: "đ", with: "d").decomposedStringWithCanonicalMapping.unicodeScalars
                    .filter { $0.properties.generalCategory != .nonspacingMark }))
        return Word(term: Array(term.utf8), folded: Array(folded.utf8))
    }

    // MARK: Reference evaluation

    func matches(_ query: Query) -> [UInt32] {
        documents.filter { evaluate(query.root, in: $0, fold: query.fold) }.map(\.number).sorted()
    }

    private func evaluate(_ node: QueryNode, in document: Document, fold: Bool) -> Bool {
        switch node {
        case .term(let word, let titleOnly):
            let allowed = allowedWords(word, fold: fold)
            let region = titleOnly ? document.title : document.title + document.body
            return region.contains { allowed.contains($0) }
        case .phrase(let words, let titleOnly):
            let allowed = words.map { allowedWords($0, fold: fold) }
            let regions = titleOnly ? [document.title] : [document.title, document.body]
            return regions.contains { region in
                guard region.count >= words.count else { return false }
                return (0...(region.count - words.count)).contains { start in
                    allowed.indices.allSatisfy { allowed[$0].contains(region[start + $0]) }
                }
            }
        case .or(let operands):
            return operands.contains { evaluate($0, in: document, fold: fold) }
        case .and(let required, let excluded):
            return required.allSatisfy { evaluate($0, in: document, fold: fold) }
                && !excluded.contains { evaluate($0, in: document, fold: fold) }
        }
    }

    /// The corpus words a query word matches, with the documented prefix cap (most documents first,
    /// ties in (folded, term) byte order).
    func allowedWords(_ word: QueryTerm, fold: Bool) -> Set<Word> {
        let exact = word.term != word.folded && !fold
        var candidates = vocabulary.filter { entry in
            let target = exact ? entry.word.term : entry.word.folded
            let key = exact ? word.term : word.folded
            return word.isPrefix ? target.starts(with: key) : target == key
        }
        if word.isPrefix && candidates.count > Query.maxPrefixExpansion {
            candidates.sort { a, b in
                if a.df != b.df { return a.df > b.df }
                if a.word.folded != b.word.folded { return a.word.folded.lexicographicallyPrecedes(b.word.folded) }
                return a.word.term.lexicographicallyPrecedes(b.word.term)
            }
            candidates = Array(candidates.prefix(Query.maxPrefixExpansion))
        }
        return Set(candidates.map(\.word))
    }
}
