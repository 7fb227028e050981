// Query: a parsed search query (grammar: protocol/PROTOCOL.md, Appendix A.6): clauses, OR binding
// tighter than AND, "phrases", -exclusions, +required, prefix*, title:, and (groups). The top-level
// clauses are what best match ranks by (a report need not match all of them, except `+` ones);
// COUNT and the strict page require every one. Invariant: a parsed Query has at least one positive
// clause at every AND level, at least one word, `clauses` parallel to the root's positive clauses,
// and every word normalised by the same rules as the indexed text. Immutable value; Sendable.

/// One word of a query, normalised like indexed text.
public struct QueryTerm: Sendable, Hashable {
    /// Normalised UTF-8 form (NFC, lowercase, canonical tone placement).
    public let term: [UInt8]
    /// Folded UTF-8 form (no diacritics, đ -> d).
    public let folded: [UInt8]
    /// True when the word was typed with a diacritic (or đ): it then matches its exact spelling only,
    /// unless the query folds, or best match widens it (`anyTone`, `twin`).
    public var isAccented: Bool { term != folded }
    /// True for `word*`.
    public let isPrefix: Bool
    /// True for a word best match lets take any tone (Query.bestMatchForm): typed with marks but
    /// without a tone in a query typed without tones, it matches every spelling that carries its
    /// marks (ToneMarks). Without fold its own spelling is the exact one (the strict total counts
    /// it); under fold every spelling carrying its marks counts as exact.
    public internal(set) var anyTone = false
    /// Its other i/y spelling when best match lets it take that too (Query.bestMatchForm,
    /// SpellingVariant: `kĩ` for `kỹ`), matched as another spelling of the word; nil otherwise.
    public internal(set) var twin: [UInt8]? = nil

    init(token: Token, isPrefix: Bool) {
        self.term = Array(token.term.utf8)
        self.folded = Array(token.folded.utf8)
        self.isPrefix = isPrefix
    }

    /// Whether an indexed token (normalised `term`, folded `folded`) matches this word, before any
    /// prefix-expansion cap. `fold` is the query's fold option.
    public func matches(term other: [UInt8], folded otherFolded: [UInt8], fold: Bool) -> Bool {
        let exact = isAccented && !fold
        if let twin, !isPrefix, other == twin { return true }
        if exact && anyTone && !isPrefix { return otherFolded == folded && ToneMarks.carries(typed: term, token: other) }
        switch (exact, isPrefix) {
        case (true, false): return other == term
        case (false, false): return otherFolded == folded
        case (true, true): return other.starts(with: term)
        case (false, true): return otherFolded.starts(with: folded)
        }
    }
}

/// What best match needs to know of one top-level positive clause.
public struct QueryClause: Sendable, Hashable {
    /// Marked `+`: required even under best match.
    public let mandatory: Bool
    /// Query words in the clause (a phrase counts each word).
    public let words: Int
    /// Query words before it in the text (excluded ones included): clauses whose words follow on
    /// from each other were typed side by side.
    public let firstWord: Int
    /// One word in double quotes (`"Nôi"`, `"kĩ"`): taken as spelt, even where best match would
    /// widen it (Query.bestMatchForm: any tone, or its i/y twin).
    public var quoted = false
}

/// A node of the query tree.
public indirect enum QueryNode: Sendable {
    /// A word, optionally restricted to the title.
    case term(QueryTerm, titleOnly: Bool)
    /// Consecutive words within one region (title or body), optionally restricted to the title.
    case phrase([QueryTerm], titleOnly: Bool)
    /// Matches when any operand matches.
    case or([QueryNode])
    /// Matches when every `required` node matches and no `excluded` node does.
    case and(required: [QueryNode], excluded: [QueryNode])
}

/// A parsed query.
public struct Query: Sendable {
    /// Most characters (Swift `Character`s, i.e. grapheme clusters) of query text.
    public static let maxCharacters = 8_192
    /// Deepest nesting of parenthesised groups (the top level is depth 0).
    public static let maxDepth = 32
    /// Most bytes of compressed postings one query may decode (all its words, every segment): the
    /// bound on a query's work, in place of a word count. Beyond it the query fails with
    /// `QueryError.Code.tooMuchWork`.
    public static let workBudget = 64 << 20
    /// Fewest characters before a `*`.
    public static let minPrefixLength = 2
    /// Most dictionary terms one prefix expands to (the ones in most documents win).
    public static let maxPrefixExpansion = 256

    /// The query tree; always an `.and`.
    public let root: QueryNode
    /// Whether accented words also match their folded form (exact spellings rank first).
    public let fold: Bool
    /// Number of words in the query.
    public let termCount: Int
    /// The root's positive clauses, in order (parallel to the root's `required`).
    public let clauses: [QueryClause]

    /// Words in the root's positive clauses (the "of N" of a hit's matched-word count).
    public var clauseWords: Int { clauses.reduce(0) { $0 + $1.words } }

    /// Whether every positive top-level clause is one plain body word (no phrase, prefix, group or
    /// `title:`): the positive leaves are then the clauses, so a hit's matched-word count is the
    /// number of them the report holds (Snippeter's `heldLeaves`).
    public var isWordList: Bool {
        guard case .and(let required, _) = root else { return false }
        return required.allSatisfy { node in
            if case .term(let word, titleOnly: false) = node { return !word.isPrefix }
            return false
        }
    }

    /// Parses query text.
    /// - Parameters:
    ///   - text: The query as typed (any Unicode normalisation form).
    ///   - fold: Also fold accented words; exact spellings then rank above folded-only matches.
    /// - Throws: `QueryError` naming the problem.
    public static func parse(_ text: String, fold: Bool = false) throws(QueryError) -> Query {
        var parser = QueryParser(text)
        let root = try parser.parseQuery()
        return Query(root: root, fold: fold, termCount: parser.termCount, clauses: parser.topClauses)
    }

    /// The query as best match evaluates it. When best match ranks it (two positive top-level
    /// clauses or more, one of them not `+`), each top-level plain word (not a prefix, not
    /// `title:`, not quoted) may match more than its spelling:
    /// - if no word anywhere carries a tone mark (typed without tones, as people often type:
    ///   `Ha Nôi`, `đuoc giao`), one that still carries marks takes any tone (`QueryTerm.anyTone`);
    ///   under fold, those of its spellings rank as exact;
    /// - otherwise, without fold, a toned i/y syllable also matches its other spelling
    ///   (`QueryTerm.twin`, SpellingVariant: `kĩ thuật` finds `kỹ thuật`).
    /// A lone word is taken as spelt: `công` is a whole spelling, `kĩ` only `kĩ`.
    /// SearchIndex.search takes the query as typed and derives this form itself under best match;
    /// callers use it for what the page's words matched (highlights, suggestions). COUNT, the
    /// strict page and the total use the query as typed.
    public var bestMatchForm: Query {
        guard clauses.count >= 2, clauses.contains(where: { !$0.mandatory }),
            case .and(let required, let excluded) = root, required.count == clauses.count
        else { return self }
        let toneless = !allWords.contains(where: { ToneMarks.hasTone(utf8: $0.term) })
        var widened = false
        let plain = required.enumerated().map { c, node -> QueryNode in
            guard !clauses[c].quoted, case .term(var word, titleOnly: false) = node, !word.isPrefix, word.isAccented else { return node }
            if toneless {
                word.anyTone = true
            } else if !fold, let twin = SpellingVariant.twin(of: word.term) {
                word.twin = twin
            } else {
                return node
            }
            widened = true
            return .term(word, titleOnly: false)
        }
        guard widened else { return self }
        return Query(root: .and(required: plain, excluded: excluded), fold: fold, termCount: termCount, clauses: clauses)
    }

    /// Every word of the query, excluded ones and those of phrases and groups included, in query
    /// order (repeats kept).
    public var allWords: [QueryTerm] {
        var words: [QueryTerm] = []
        func collect(_ node: QueryNode) {
            switch node {
            case .term(let word, _): words.append(word)
            case .phrase(let phrase, _): words += phrase
            case .or(let operands): operands.forEach(collect)
            case .and(let required, let excluded): (required + excluded).forEach(collect)
            }
        }
        collect(root)
        return words
    }

    /// All positive leaves (terms and phrases not under an exclusion), in query order.
    public var positiveLeaves: [QueryNode] {
        var leaves: [QueryNode] = []
        func walk(_ node: QueryNode) {
            switch node {
            case .term, .phrase: leaves.append(node)
            case .or(let operands): operands.forEach(walk)
            case .and(let required, _): required.forEach(walk)
            }
        }
        walk(root)
        return leaves
    }
}
