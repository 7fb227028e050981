// Suggester: "did you mean" (protocol/PROTOCOL.md, Appendix A.8). For a plain query word found in
// at most `maxDocuments` reports, the indexed terms nearest to it by an edit distance on the
// normalised letters where a change of tone or diacritic only (the same letter once folded:
// `ơ`/`o`, `ả`/`a`, `đ`/`d`) costs `markCost` and any other insertion, deletion, substitution or
// swap of neighbours costs 1. Candidates share the word's first folded letter (a contiguous range
// of the dictionary), are at most `maxDistance` away and in at least `minCandidateDocuments`
// reports and ten times the word's. Suggestions are only reported, never substituted for the word.
// Stateless; safe concurrently.

/// One "did you mean" proposal: an indexed term close to a query word that matched (almost) nothing.
public struct Suggestion: Sendable, Equatable {
    /// The query word, normalised (NFC, lowercase).
    public let word: String
    /// The indexed term proposed instead.
    public let suggestion: String
    /// Reports holding the suggested term.
    public let documents: Int
}

/// Finds "did you mean" proposals.
public enum Suggester {
    /// A word in at most this many reports gets suggestions.
    public static let maxDocuments = 2
    /// A candidate must be in at least this many reports.
    public static let minCandidateDocuments = 3
    /// Farthest suggestion.
    public static let maxDistance = 2.0
    /// Cost of a tone or diacritic difference on the same letter.
    public static let markCost = 0.25
    /// Suggestions per word, and words looked at per query (the rest get none).
    public static let maxPerWord = 3
    public static let maxWords = 4

    /// Suggestions for the query's plain positive words (no prefix) found in at most maxDocuments
    /// reports of `index`, nearest first, then most documents first.
    public static func suggestions(for query: Query, in index: SegmentedIndex) -> [Suggestion] {
        var words: [QueryTerm] = []
        for leaf in query.positiveLeaves {
            if case .term(let word, _) = leaf, !word.isPrefix, !words.contains(word) { words.append(word) }
        }
        var result: [Suggestion] = []
        var looked = 0
        for word in words where looked < maxWords {
            var df = 0
            for segment in index.segments {
                df += segment.index.resolve(word, fold: query.fold).reduce(0) { $0 + segment.index.documentFrequency(atOffset: $1.offset) }
            }
            guard df <= maxDocuments, let first = word.folded.first else { continue }
            looked += 1
            let target = UTF8Codec.decode(word.term)
            let targetFolded = target.map { TextNormalizer.fold([$0]).first ?? 0 }
            var candidates: [[UInt8]: (distance: Double, documents: Int)] = [:]
            for segment in index.segments {
                let s = segment.index
                let range = s.foldedRange([first], whole: false)
                s.dictionary.forEach(in: range) { entry in
                    let term = s.dictionary.term(entry)
                    // Bytes of a term are at most 4 per folded letter: a much longer one is too far
                    // (and a junk token of megabytes is not folded).
                    guard term.count <= 4 * (word.folded.count + Int(maxDistance) + 1) else { return }
                    let folded = TextNormalizer.fold(utf8: term)
                    guard abs(folded.count - word.folded.count) <= Int(maxDistance), folded != word.folded || Array(term) != word.term
                    else { return }
                    let scalars = UTF8Codec.decode(term)
                    let distance = Self.distance(target, targetFolded, scalars, scalars.map { TextNormalizer.fold([$0]).first ?? 0 })
                    guard distance <= maxDistance, distance > 0 else { return }
                    let documents = s.documentFrequency(atOffset: entry.postingOffset)
                    let key = Array(term)
                    let old = candidates[key]
                    candidates[key] = (distance, (old?.documents ?? 0) + documents)
                }
            }
            let floor = max(minCandidateDocuments, 10 * df)
            let ranked = candidates.filter { $0.value.documents >= floor }
                .sorted { a, b in
                    a.value.distance != b.value.distance ? a.value.distance < b.value.distance
                        : a.value.documents != b.value.documents ? a.value.documents > b.value.documents
                        : a.key.lexicographicallyPrecedes(b.key)
                }
            guard let best = ranked.first?.value.distance else { continue }
            for (term, value) in ranked.prefix(maxPerWord) where value.distance <= best + 0.5 {
                result.append(
                    Suggestion(
                        word: String(decoding: word.term, as: UTF8.self), suggestion: String(decoding: term, as: UTF8.self),
                        documents: value.documents))
            }
        }
        return result
    }

    /// Weighted Damerau (optimal string alignment) distance between two normalised scalar strings,
    /// given with their per-scalar folded letters.
    static func distance(_ a: [UInt32], _ aFolded: [UInt32], _ b: [UInt32], _ bFolded: [UInt32]) -> Double {
        let n = a.count
        let m = b.count
        if n == 0 || m == 0 { return Double(max(n, m)) }
        var previous2 = [Double](repeating: 0, count: m + 1)
        var previous = (0...m).map(Double.init)
        var current = [Double](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = Double(i)
            var rowBest = current[0]
            for j in 1...m {
                let substitution = a[i - 1] == b[j - 1] ? 0 : aFolded[i - 1] == bFolded[j - 1] ? markCost : 1
                var cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution)
                if i > 1 && j > 1 && aFolded[i - 1] == bFolded[j - 2] && aFolded[i - 2] == bFolded[j - 1] && a[i - 1] != a[i - 2] {
                    cost = min(cost, previous2[j - 2] + 1)
                }
                current[j] = cost
                rowBest = min(rowBest, cost)
            }
            if rowBest > maxDistance { return rowBest }
            previous2 = previous
            previous = current
        }
        return previous[m]
    }
}
