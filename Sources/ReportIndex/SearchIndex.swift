// SearchIndex: the immutable, compressed positional index of one set of reports.
//
// Storage (all counted by `byteCount`):
//   dictionary              TermDictionary: normalised terms, UTF-8, sorted by (folded, term) bytes,
//                           so a folded form or a folded prefix is one contiguous id range (found by
//                           binary search, folding terms on the fly) and an exact term sits inside
//                           its folded range; no separate folded table is stored.
//   postings                one PostingCodec list per term id, in id order (+ 8 zero bytes of padding)
//   docLengths/titleLengths tokens per doc slot and how many of them (positions 0..<T) are the title
//
// Writes: the index stays immutable. One SearchIndex is the content of an IndexSegment (local doc
// numbers); SegmentedIndex queries a list of them, deleted docs are filtered by the `isLive`
// callback every query takes, and SegmentMerger re-encodes segments into one, dropping deleted docs.
//
// Thread safety: immutable after init, Sendable; search/count may run concurrently.
import Foundation

/// An immutable positional index answering `Query`s with doc numbers.
public final class SearchIndex: Sendable {
    /// Title occurrences count this many times in BM25 (and title tokens in the doc length).
    public static let titleWeight = 3
    static let k1 = 1.2
    static let b = 0.75
    /// Added per accented term matched with its exact spelling when the query folds, so exact
    /// spellings rank above folded-only matches (a BM25 sum stays far below it).
    public static let exactSpellingBonus = 10_000.0
    /// Added under best match to a doc that matches every top-level clause, so those rank above
    /// every partial match (far above any BM25 sum and all exact-spelling bonuses of a query).
    public static let allWordsBonus = 1e9

    let dictionary: TermDictionary
    let postings: [UInt8]
    let docLengths: [UInt32]
    let titleLengths: [UInt32]
    /// Number of docs added (N of BM25).
    public let documentCount: Int
    let averageWeightedLength: Double

    init(
        dictionary: TermDictionary, postings: [UInt8], docLengths: [UInt32], titleLengths: [UInt32], docCount: Int, averageWeightedLength: Double
    ) {
        self.dictionary = dictionary
        self.postings = postings
        self.docLengths = docLengths
        self.titleLengths = titleLengths
        self.documentCount = docCount
        self.averageWeightedLength = averageWeightedLength
    }

    /// avgdl of BM25: weighted tokens (title tokens count `titleWeight` times) per document, at least
    /// 1. Dead slots have length 0, so summing every slot in order equals summing the documents.
    static func averageWeightedLength(docLengths: [UInt32], titleLengths: [UInt32], documentCount: Int) -> Double {
        guard documentCount > 0 else { return 1 }
        var weightedTotal = 0.0
        for d in docLengths.indices {
            weightedTotal += Double(titleWeight - 1) * Double(titleLengths[d]) + Double(docLengths[d])
        }
        return max(1, weightedTotal / Double(documentCount))
    }

    /// Bytes held by every array the index keeps (capacities, not just counts).
    public var byteCount: Int {
        dictionary.byteCount + postings.capacity + docLengths.capacity * 4 + titleLengths.capacity * 4
    }

    /// Bytes of the compressed postings alone.
    public var postingByteCount: Int { postings.count }

    /// Number of distinct normalised terms.
    public var termCount: Int { dictionary.count }

    /// Number of doc slots (highest doc number + 1).
    var docSlots: Int { docLengths.count }

    // MARK: BM25

    /// BM25's idf for a leaf in `df` docs: log(1 + (N − df + 0.5) / (df + 0.5)).
    @inline(__always)
    func idf(documentFrequency df: Int) -> Double {
        let n = Double(documentCount)
        let d = Double(df)
        return log(1 + (n - d + 0.5) / (d + 0.5))
    }

    /// BM25's length normaliser of `doc`: k1 · (1 − b + b · weightedLength / avgdl).
    @inline(__always)
    func lengthNorm(_ doc: UInt32) -> Double {
        let title = titleLengths[Int(doc)]
        let length = Double(docLengths[Int(doc)] + UInt32(Self.titleWeight - 1) * title)
        return Self.k1 * (1 - Self.b + Self.b * length / averageWeightedLength)
    }

    /// One leaf's BM25 term for `doc`, given its title-weighted tf.
    @inline(__always)
    func bm25(idf: Double, tf: UInt32, doc: UInt32) -> Double {
        Self.bm25(idf: idf, tf: tf, norm: lengthNorm(doc))
    }

    /// The BM25 term for a doc whose lengthNorm is `norm` (a caller scoring many postings of the
    /// same docs computes each norm once).
    @inline(__always)
    static func bm25(idf: Double, tf: UInt32, norm: Double) -> Double {
        let t = Double(tf)
        return idf * t * (k1 + 1) / (t + norm)
    }

    // MARK: Term dictionary

    /// Normalised term of `id`, as UTF-8.
    func term(_ id: Int) -> ArraySlice<UInt8> {
        dictionary.term(dictionary.entry(id))
    }

    /// Document frequency of term `id`.
    func documentFrequency(_ id: Int) -> Int {
        postings.withUnsafeBufferPointer { PostingCodec.documentFrequency($0.baseAddress!, offset: dictionary.entry(id).postingOffset) }
    }

    /// The folded form of term `id`, or only its first bytes — at least `count` of them — when the
    /// term is long: folding is per scalar, so a prefix of the term cut at a scalar boundary folds
    /// to a prefix of its folded form, and comparing with a key of `count - 1` bytes needs no more.
    /// (A junk token of megabytes is then not folded whole at every probe of a binary search.)
    func folded(_ id: Int, atLeast count: Int) -> [UInt8] {
        let t = term(id)
        // A scalar takes at most 4 bytes; most fold to one byte or more.
        guard t.count > 4 * count + 4 else { return TextNormalizer.fold(utf8: t) }
        var end = t.startIndex + 4 * count + 4
        while end > t.startIndex && t[end] & 0xC0 == 0x80 { end -= 1 }
        let head = TextNormalizer.fold(utf8: t[t.startIndex..<end])
        return head.count >= count ? head : TextNormalizer.fold(utf8: t)
    }

    /// Id range of terms whose folded form starts with `prefix` (equals it when `whole`).
    func foldedRange(_ key: [UInt8], whole: Bool) -> Range<Int> {
        var low = 0
        var high = termCount
        let enough = key.count + 1
        while low < high {
            let mid = (low + high) / 2
            if folded(mid, atLeast: enough).lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        let start = low
        high = termCount
        while low < high {
            let mid = (low + high) / 2
            let f = folded(mid, atLeast: enough)
            if whole ? f == key : f.starts(with: key) { low = mid + 1 } else { high = mid }
        }
        return start..<low
    }

    /// A term a query word matches (resolve).
    typealias ResolvedTerm = (id: Int, exact: Bool, offset: Int, bytes: Int)

    /// Terms a query word matches (QueryTerm.matches): id, whether it counts as the exact spelling
    /// (the word's own; under fold, for a word taking any tone, each spelling carrying its marks),
    /// and where its posting starts and how many bytes it takes (taken from the dictionary walk, so
    /// callers need not look each id up again).
    /// Prefixes are capped at Query.maxPrefixExpansion terms: those in most docs, ties by id
    /// (dictionary order).
    func resolve(_ word: QueryTerm, fold: Bool) -> [ResolvedTerm] {
        let exactOnly = word.isAccented && !fold
        let range = foldedRange(word.folded, whole: !word.isPrefix)
        var terms: [ResolvedTerm] = []
        // A word taking any tone matches its spellings that carry its marks; under fold, which
        // matches every spelling anyway, those (not only its own) are the ones that rank as exact.
        let anyTone = word.anyTone && word.isAccented && !word.isPrefix
        dictionary.forEach(in: range) { entry in
            let t = dictionary.term(entry)
            let same = t.elementsEqual(word.term)
            let carried = anyTone && (same || ToneMarks.carries(typed: word.term, token: Array(t)))
            if anyTone ? !fold && !carried : exactOnly && !(word.isPrefix ? t.starts(with: word.term) : same) { return }
            let exact = word.isAccented && (anyTone && fold ? carried : same)
            terms.append((entry.id, exact, entry.postingOffset, entry.nextPosting - entry.postingOffset))
        }
        // Its other i/y spelling (another folded form, so another range of the dictionary).
        if let twin = word.twin, !word.isPrefix {
            dictionary.forEach(in: foldedRange(TextNormalizer.fold(utf8: twin), whole: true)) { entry in
                guard dictionary.term(entry).elementsEqual(twin) else { return }
                terms.append((entry.id, false, entry.postingOffset, entry.nextPosting - entry.postingOffset))
            }
        }
        if word.isPrefix && terms.count > Query.maxPrefixExpansion {
            let ranked = terms.map { (term: $0, df: documentFrequency(atOffset: $0.offset)) }
                .sorted { $0.df != $1.df ? $0.df > $1.df : $0.term.id < $1.term.id }
            terms = ranked.prefix(Query.maxPrefixExpansion).map(\.term).sorted { $0.id < $1.id }
        }
        return terms
    }

    /// Document frequency of the posting at byte `offset`.
    func documentFrequency(atOffset offset: Int) -> Int {
        postings.withUnsafeBufferPointer { PostingCodec.documentFrequency($0.baseAddress!, offset: offset) }
    }

    /// The summed document frequencies of `terms` (a word's spellings).
    func documentFrequency(of terms: [ResolvedTerm]) -> Int {
        terms.reduce(0) { $0 + documentFrequency(atOffset: $1.offset) }
    }

    /// Decodes the posting list of term `id`.
    func posting(_ id: Int) -> DecodedPosting {
        posting(atOffset: dictionary.entry(id).postingOffset)
    }

    /// Decodes the posting list at byte `offset`.
    func posting(atOffset offset: Int) -> DecodedPosting {
        postings.withUnsafeBufferPointer { base in
            docLengths.withUnsafeBufferPointer { lengths in
                PostingCodec.decode(base.baseAddress!, offset: offset, docSlots: docSlots, docLengths: lengths)
            }
        }
    }

    /// The docs of `chosen` (ascending) that `seeks` holds, with their positions.
    func positions(seeks: PositionSeeks, chosen: [UInt32]) -> DecodedPosting {
        postings.withUnsafeBufferPointer { base in
            docLengths.withUnsafeBufferPointer { lengths in
                PostingCodec.decodePositions(base.baseAddress!, seeks: seeks, docLengths: lengths, chosen: chosen)
            }
        }
    }

    /// Calls `body(doc, tf, inTitle)` for each doc of term `id` (see PostingCodec.decodeCounts).
    @inline(__always)
    func forEachCount(_ id: Int, _ body: (UInt32, UInt32, UInt32) -> Void) {
        forEachCount(atOffset: dictionary.entry(id).postingOffset) { doc, tf, inTitle, _ in body(doc, tf, inTitle) }
    }

    /// Calls `body(doc, tf, inTitle, bit)` for each doc of the posting at byte `offset`; `bit` is
    /// where the doc's positions can be read again (PositionSeeks).
    @inline(__always)
    func forEachCount(atOffset offset: Int, _ body: (UInt32, UInt32, UInt32, Int) -> Void) {
        postings.withUnsafeBufferPointer { base in
            docLengths.withUnsafeBufferPointer { lengths in
                titleLengths.withUnsafeBufferPointer { titles in
                    PostingCodec.decodeCounts(
                        base.baseAddress!, offset: offset, docSlots: docSlots, docLengths: lengths, titleLengths: titles, body)
                }
            }
        }
    }

    // MARK: Queries

    /// Ranked page of live docs: score descending, then doc number ascending.
    /// - Parameters:
    ///   - query: A parsed query (its `fold` option applies).
    ///   - limit: Page size (>= 0).
    ///   - offset: Number of ranked docs to skip (>= 0).
    ///   - bestMatch: Rank docs matching any top-level clause (all of them first), evaluating
    ///     `query.bestMatchForm`; false ranks only docs matching every clause (strict). `total`
    ///     counts the strict matches of the query as typed either way.
    ///   - exhaustive: Score every candidate (no MaxScore) and compute proximity for the whole
    ///     rescoring window in one pass (tests: the page must be the same).
    ///   - rescoreWindow: Size of the rescoring window instead of BestMatchRanker.rescoreWindow (tests).
    ///   - budget: Posting bytes the query may decode; beyond it the results are `exhausted`.
    ///   - isLive: False for docs that were deleted; they neither match nor count.
    public func search(
        _ query: Query, limit: Int, offset: Int, bestMatch: Bool = false, exhaustive: Bool = false,
        rescoreWindow: Int? = nil, budget: Int = Query.workBudget, isLive: (UInt32) -> Bool
    ) -> SearchResults {
        let query = bestMatch ? query.bestMatchForm : query
        var evaluator = QueryEvaluator(index: self, fold: query.fold, budget: budget)
        let (clauses, excluded) = evaluator.evaluateClauses(query.root)
        if evaluator.exhausted {
            return SearchResults(total: 0, hits: [], queryWords: query.clauseWords, exhausted: true, spent: evaluator.spent)
        }
        let ranker = BestMatchRanker(index: self, query: query)
        let (total, ranked, scored) = ranker.rank(
            evaluator: evaluator, clauses: clauses, excluded: excluded, bestMatch: bestMatch,
            count: max(0, offset) + max(0, limit), exhaustive: exhaustive, window: rescoreWindow, isLive: isLive)
        let start = min(max(0, offset), ranked.count)
        var results = SearchResults(total: total, hits: Array(ranked[start...]), queryWords: query.clauseWords, spent: evaluator.spent)
        results.scored = scored
        return results
    }

    /// The `count` best (score descending, then doc ascending), in order.
    static func best(docs: [UInt32], scores: [Double], count: Int) -> [ScoredDoc] {
        best(zip(docs, scores).map { ScoredDoc(doc: $0, score: $1) }, count: count)
    }

    /// The `count` first of `item(0..<n)` by ScoredDoc.precedes, in order. A page is small next to
    /// the matches of a common term, so a bounded insertion keeps only the page instead of sorting
    /// every match (each item is made once, when it is looked at); a large `count` falls back to a
    /// full sort.
    static func best(count: Int, of n: Int, _ item: (Int) -> ScoredDoc) -> [ScoredDoc] {
        guard count > 0 else { return [] }
        if count * 8 >= n { return Array((0..<n).map(item).sorted(by: ScoredDoc.precedes).prefix(count)) }
        var top: [ScoredDoc] = []
        top.reserveCapacity(count + 1)
        for i in 0..<n {
            let candidate = item(i)
            if top.count == count, !ScoredDoc.precedes(candidate, top[count - 1]) { continue }
            var low = 0
            var high = top.count
            while low < high {
                let mid = (low + high) / 2
                if ScoredDoc.precedes(top[mid], candidate) { low = mid + 1 } else { high = mid }
            }
            top.insert(candidate, at: low)
            if top.count > count { top.removeLast() }
        }
        return top
    }

    /// The `count` first of `items` by ScoredDoc.precedes, in order.
    static func best(_ items: [ScoredDoc], count: Int) -> [ScoredDoc] {
        best(count: count, of: items.count) { items[$0] }
    }

    /// Exact number of live docs matching every clause.
    public func count(_ query: Query, isLive: (UInt32) -> Bool) -> Int {
        count(query, budget: Int.max, isLive: isLive).count
    }

    /// Exact number of live docs matching every clause, within a work budget (posting bytes):
    /// `exhausted` when the query needs more, the count then being meaningless.
    public func count(_ query: Query, budget: Int, isLive: (UInt32) -> Bool) -> (count: Int, exhausted: Bool, spent: Int) {
        var evaluator = QueryEvaluator(index: self, fold: query.fold, budget: budget)
        let docs = evaluator.evaluate(query.root, positive: false)
        return (docs.reduce(0) { $0 + (isLive($1) ? 1 : 0) }, evaluator.exhausted, evaluator.spent)
    }

    /// Doc numbers matching `query` (live or not), ascending. For tests and tools.
    public func matchingDocs(_ query: Query) -> [UInt32] {
        var evaluator = QueryEvaluator(index: self, fold: query.fold)
        return evaluator.evaluate(query.root, positive: false)
    }
}
