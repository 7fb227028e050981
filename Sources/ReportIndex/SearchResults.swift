// SearchResults and ScoredDoc: the answer to SearchIndex.search. Plain values; Sendable.
// Invariant: `hits` is the page [offset, offset+limit) of the ranked live docs (strict: the docs
// matching every clause; best match: the docs matching any clause, those matching all first) ordered
// by score descending, then doc number ascending; `total` counts the live docs matching every clause.

/// One ranked document.
public struct ScoredDoc: Sendable, Equatable {
    /// Dense doc number given to the builder.
    public let doc: UInt32
    /// Score: BM25 plus proximity (and the bonuses of docs/TEXT-RULES.md §8), as reported.
    public let score: Double
    /// Query words (of the root's positive clauses) in the clauses this doc matched.
    public let matchedWords: Int
    /// Best match: the doc matches every clause (it ranks above every doc that does not).
    public let inTopGroup: Bool
    /// The score that orders docs within their group (`score` without allWordsBonus, whose
    /// addition could round two close scores to one).
    let key: Double

    /// A ranked doc.
    public init(doc: UInt32, score: Double, matchedWords: Int = 0) {
        self.init(doc: doc, key: score, inTopGroup: false, score: score, matchedWords: matchedWords)
    }

    init(doc: UInt32, key: Double, inTopGroup: Bool, score: Double, matchedWords: Int) {
        self.doc = doc
        self.key = key
        self.inTopGroup = inTopGroup
        self.score = score
        self.matchedWords = matchedWords
    }

    /// The same doc under another number (segment base added).
    func renumbered(_ doc: UInt32) -> ScoredDoc {
        ScoredDoc(doc: doc, key: key, inTopGroup: inTopGroup, score: score, matchedWords: matchedWords)
    }

    /// Ranking order: the top group first, then key descending, then doc ascending.
    @inline(__always)
    static func precedes(_ a: ScoredDoc, _ b: ScoredDoc) -> Bool {
        if a.inTopGroup != b.inTopGroup { return a.inTopGroup }
        return a.key != b.key ? a.key > b.key : a.doc < b.doc
    }
}

/// A page of ranked results.
public struct SearchResults: Sendable, Equatable {
    /// Number of live docs matching every clause (what COUNT answers).
    public let total: Int
    /// The requested page.
    public let hits: [ScoredDoc]
    /// Words in the query's positive top-level clauses (the "of N" of `matchedWords`).
    public let queryWords: Int
    /// True when the query needed more than its work budget: `hits` and `total` are incomplete and
    /// the caller must refuse the query (QueryError.Code.tooMuchWork).
    public let exhausted: Bool
    /// Posting bytes decoded (charged to the work budget).
    public let spent: Int
    /// Candidates scored by one segment's ranking (best match's MaxScore leaves out the docs that
    /// cannot reach the page); 0 when not known.
    var scored = 0

    /// A page.
    public init(total: Int, hits: [ScoredDoc], queryWords: Int = 0, exhausted: Bool = false, spent: Int = 0) {
        self.total = total
        self.hits = hits
        self.queryWords = queryWords
        self.exhausted = exhausted
        self.spent = spent
    }

    /// Equal answers: the same total, hits, word count and exhaustion (`spent` and `scored` are how, not what).
    public static func == (a: SearchResults, b: SearchResults) -> Bool {
        a.total == b.total && a.hits == b.hits && a.queryWords == b.queryWords && a.exhausted == b.exhausted
    }
}
