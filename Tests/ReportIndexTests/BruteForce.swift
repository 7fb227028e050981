// BruteForce: an index-free reference matcher written apart from ReportIndex's tokenizer and index.
// It tokenises with Foundation string APIs (NFC, lowercased(), NFD-based folding and tone moving),
// splits title and body by lines, and evaluates a parsed Query tree by scanning every document's
// token lists. Slow and obvious on purpose. Immutable after init.
import Foundation

@testable import ReportIndex

final class BruteForce {
    struct Word: Hashable {
        let term: [UInt8]
        let folded: [UInt8]
    }

    /// Title and body as ids into `vocabulary` (plain ints keep the naive scan fast in debug builds).
    struct Document {
        let number: UInt32
        let title: [Int]
        let body: [Int]
    }

    let documents: [Document]
    /// Distinct words with their document frequency, for the prefix-expansion cap.
    let vocabulary: [(word: Word, df: Int)]

    init(texts: [(UInt32, String)]) {
        let parsed = texts.map { number, text in
            var lines = text.components(separatedBy: "\n")
            var title: [Word] = []
            while !lines.isEmpty {
                let line = lines.removeFirst()
                if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    title = Self.words(line)
                    break
                }
            }
            return (number, title, Self.words(lines.joined(separator: "\n")))
        }
        var df: [Word: Int] = [:]
        for (_, title, body) in parsed {
            for word in Set(title + body) { df[word, default: 0] += 1 }
        }
        vocabulary = df.map { ($0.key, $0.value) }
        var ids: [Word: Int] = [:]
        for (i, entry) in vocabulary.enumerated() { ids[entry.word] = i }
        documents = parsed.map { Document(number: $0.0, title: $0.1.map { ids[$0]! }, body: $0.2.map { ids[$0]! }) }
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

    /// The words each query word allows; they depend only on the corpus, so once per query.
    func allowedWords(in query: Query) -> [QueryTerm: [Bool]] {
        var allowed: [QueryTerm: [Bool]] = [:]
        func collect(_ node: QueryNode) {
            switch node {
            case .term(let word, _): allowed[word] = allowedWords(word, fold: query.fold)
            case .phrase(let words, _): for word in words { allowed[word] = allowedWords(word, fold: query.fold) }
            case .or(let operands): operands.forEach(collect)
            case .and(let required, let excluded): (required + excluded).forEach(collect)
            }
        }
        collect(query.root)
        return allowed
    }

    func matches(_ query: Query) -> [UInt32] {
        let allowed = allowedWords(in: query)
        return documents.filter { evaluate(query.root, in: $0, allowed: allowed) }.map(\.number).sorted()
    }

    /// Best match's reference: per doc (live or not) that matches some positive top-level clause
    /// (every `+` one, if any) and no excluded clause, the words of the clauses it matches and
    /// whether it matches them all. When best match ranks the query (two top-level clauses or more,
    /// one not `+`) and there is no fold, a top-level plain word, not quoted, matches more: if no
    /// word has a tone mark, one typed with other marks also matches every corpus word whose
    /// spelling it is with some marks taken away (the tone among them); otherwise a toned i/y
    /// syllable also matches its other spelling (`iyTwin`).
    func bestMatchCandidates(_ query: Query) -> [UInt32: (words: Int, all: Bool)] {
        guard case .and(let required, let excluded) = query.root else { return [:] }
        var allowed = allowedWords(in: query)
        let toneless = query.allWords.allSatisfy { word in
            !String(decoding: word.term, as: UTF8.self).decomposedStringWithCanonicalMapping.unicodeScalars.contains { Self.toneMarks.contains($0.value) }
        }
        // Clause c's word, when it takes any tone: its own key in `allowed` (a copy of the word
        // with a marker, so the same word elsewhere in the query keeps its typed matches).
        var widened: [Int: QueryTerm] = [:]
        let ranked = query.clauses.count >= 2 && query.clauses.contains { !$0.mandatory }
        if ranked {
            for (c, node) in required.enumerated() where !query.clauses[c].quoted {
                guard case .term(let word, titleOnly: false) = node, !word.isPrefix, word.term != word.folded else { continue }
                var key = word
                if toneless && !query.fold {
                    key.anyTone = true
                    allowed[key] = vocabulary.map { Self.takesMarksAway($0.word, to: word) }
                } else if !toneless && !query.fold, let twin = Self.iyTwin(word.term) {
                    // A toned i/y syllable also matches its other spelling.
                    key.twin = twin
                    let typed = allowedWords(word, fold: false)
                    allowed[key] = vocabulary.indices.map { typed[$0] || vocabulary[$0].word.term == twin }
                } else {
                    continue
                }
                widened[c] = key
            }
        }
        var result: [UInt32: (words: Int, all: Bool)] = [:]
        for document in documents {
            if excluded.contains(where: { evaluate($0, in: document, allowed: allowed) }) { continue }
            var words = 0
            var count = 0
            var missingMandatory = false
            for (c, typed) in required.enumerated() {
                let clause = widened[c].map { QueryNode.term($0, titleOnly: false) } ?? typed
                if evaluate(clause, in: document, allowed: allowed) {
                    words += query.clauses[c].words
                    count += 1
                } else if query.clauses[c].mandatory {
                    missingMandatory = true
                }
            }
            if count > 0 && !missingMandatory { result[document.number] = (words, count == required.count) }
        }
        return result
    }

    private func evaluate(_ node: QueryNode, in document: Document, allowed words: [QueryTerm: [Bool]]) -> Bool {
        switch node {
        case .term(let word, let titleOnly):
            let allowed = words[word]!
            for id in document.title where allowed[id] { return true }
            if titleOnly { return false }
            for id in document.body where allowed[id] { return true }
            return false
        case .phrase(let phrase, let titleOnly):
            let allowed = phrase.map { words[$0]! }
            return Self.containsPhrase(document.title, allowed)
                || (!titleOnly && Self.containsPhrase(document.body, allowed))
        case .or(let operands):
            return operands.contains { evaluate($0, in: document, allowed: words) }
        case .and(let required, let excluded):
            return required.allSatisfy { evaluate($0, in: document, allowed: words) }
                && !excluded.contains { evaluate($0, in: document, allowed: words) }
        }
    }

    /// The other i/y spelling of a toned syllable whose rhyme is that letter alone after h, k, l, m,
    /// qu, s, t or v (`kĩ` <-> `kỹ`), worked out on the NFD form; nil for any other word.
    static func iyTwin(_ term: [UInt8]) -> [UInt8]? {
        let nfd = Array(String(decoding: term, as: UTF8.self).decomposedStringWithCanonicalMapping.unicodeScalars)
        guard nfd.count >= 3, let tone = nfd.last, toneMarks.contains(tone.value) else { return nil }
        let letter = nfd[nfd.count - 2]
        guard letter == "i" || letter == "y" else { return nil }
        let onset = String(String.UnicodeScalarView(nfd.dropLast(2)))
        guard ["h", "k", "l", "m", "qu", "s", "t", "v"].contains(onset) else { return nil }
        let twin = onset + (letter == "i" ? "y" : "i") + String(tone)
        return Array(twin.precomposedStringWithCanonicalMapping.utf8)
    }

    /// Whether `typed` is `word` with some of its marks left out: the same letters, each typed
    /// letter's marks (in NFD; đ as d with a stroke) among the word's on that letter.
    static func takesMarksAway(_ word: Word, to typed: QueryTerm) -> Bool {
        func letters(_ bytes: [UInt8]) -> [(base: Unicode.Scalar, marks: Set<UInt32>)] {
            var result: [(base: Unicode.Scalar, marks: Set<UInt32>)] = []
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "đ", with: "d\u{335}")
            for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
                if scalar.properties.generalCategory == .nonspacingMark, !result.isEmpty {
                    result[result.count - 1].marks.insert(scalar.value)
                } else {
                    result.append((scalar, []))
                }
            }
            return result
        }
        let have = letters(word.term)
        let want = letters(typed.term)
        guard have.count == want.count else { return false }
        return zip(have, want).allSatisfy { $0.base == $1.base && $1.marks.isSubset(of: $0.marks) }
    }

    private static func containsPhrase(_ region: [Int], _ allowed: [[Bool]]) -> Bool {
        guard region.count >= allowed.count else { return false }
        for start in 0...(region.count - allowed.count) {
            var all = true
            for j in 0..<allowed.count where !allowed[j][region[start + j]] {
                all = false
                break
            }
            if all { return true }
        }
        return false
    }

    /// The corpus words a query word matches, with the documented prefix cap (most documents first,
    /// ties in (folded, term) byte order).
    private var cache: [String: [Bool]] = [:]

    func allowedWords(_ word: QueryTerm, fold: Bool) -> [Bool] {
        let key = "\(word.term)|\(word.isPrefix)|\(fold)"
        if let known = cache[key] { return known }
        let result = computeAllowedWords(word, fold: fold)
        cache[key] = result
        return result
    }

    private func computeAllowedWords(_ word: QueryTerm, fold: Bool) -> [Bool] {
        let exact = word.term != word.folded && !fold
        var candidates = vocabulary.indices.map { (index: $0, word: vocabulary[$0].word, df: vocabulary[$0].df) }.filter { entry in
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
        var allowed = [Bool](repeating: false, count: vocabulary.count)
        for candidate in candidates { allowed[candidate.index] = true }
        return allowed
    }
}
