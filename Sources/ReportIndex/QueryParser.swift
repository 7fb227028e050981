// QueryParser: recursive-descent parser for the query grammar of protocol/PROTOCOL.md, Appendix A.6:
//   query    := clause+                        implicit AND (top level: best match, see Query)
//   clause   := '-' unit | '+' unit | orExpr
//   orExpr   := unit ('OR' unit)*              OR binds tighter than AND
//   unit     := ['title:'] ( '"' words '"' | '(' query ')' | word ['*'] )
// Invariant: every returned node tree satisfies Query's invariant, or a QueryError is thrown.
// Recursion is bounded: a text longer than Query.maxCharacters is refused before parsing, and a
// group nested deeper than Query.maxDepth is refused where its '(' stands, so the parser (and
// every walk of the tree it returns) recurses at most maxDepth + 1 levels.
// One parser value per parse; not shared between threads.

struct QueryParser {
    private let chars: [Character]
    private var index = 0
    private(set) var termCount = 0
    /// Per top-level positive clause, in order: whether it was marked `+`, its word count and the
    /// number of query words (excluded ones included) before it.
    private(set) var topClauses: [QueryClause] = []
    /// Whether the unit just parsed was one word in double quotes (QueryClause.quoted).
    private var quotedWord = false

    init(_ text: String) {
        chars = Array(text)
    }

    mutating func parseQuery() throws(QueryError) -> QueryNode {
        if chars.count > Query.maxCharacters {
            throw QueryError(
                .tooLong, "the query has \(chars.count) characters; at most \(Query.maxCharacters) are allowed",
                offset: Query.maxCharacters)
        }
        let node = try parseSequence(titleOnly: false, depth: 0)
        if index < chars.count {
            throw QueryError(.unbalancedParenthesis, "')' without a matching '('", offset: index)
        }
        guard let node else {
            throw QueryError(.empty, "the query has no word to search for", offset: 0)
        }
        return node
    }

    /// Clauses up to ')' or the end. nil when there is no clause at all.
    private mutating func parseSequence(titleOnly: Bool, depth: Int) throws(QueryError) -> QueryNode? {
        var required: [QueryNode] = []
        var excluded: [QueryNode] = []
        var seen = Set<RepeatKey>()
        let start = index
        while true {
            skipSpaces()
            guard index < chars.count, chars[index] != ")" else { break }
            if chars[index] == "-" {
                index += 1
                // A lone '-' (as in a headline's "Hà Nội - Hải Phòng") is punctuation, like a lone '+'.
                if index >= chars.count || chars[index].isWhitespace || chars[index] == ")" { continue }
                if let unit = try parseUnit(titleOnly: titleOnly, depth: depth) { excluded.append(unit) }
                continue
            }
            var mandatory = false
            if chars[index] == "+" {
                index += 1
                // A lone '+' (as in "1 + 1") is punctuation, like any word with no token.
                if index >= chars.count || chars[index].isWhitespace || chars[index] == ")" { continue }
                mandatory = true
            }
            let wordsBefore = termCount
            quotedWord = false
            if let node = try (mandatory ? parseUnit(titleOnly: titleOnly, depth: depth) : parseOr(titleOnly: titleOnly, depth: depth)) {
                // A word or phrase repeated in one sequence adds nothing to what matches, but each
                // copy would be decoded and scored again (`xe xe xe …` cost seconds): kept once.
                if let key = Self.repeatKey(node, mandatory: mandatory) {
                    if !seen.insert(key).inserted { continue }
                }
                required.append(node)
                if depth == 0 {
                    var clause = QueryClause(mandatory: mandatory, words: termCount - wordsBefore, firstWord: wordsBefore)
                    if case .term = node { clause.quoted = quotedWord }
                    topClauses.append(clause)
                }
            }
        }
        if required.isEmpty {
            if excluded.isEmpty { return nil }
            throw QueryError(
                .onlyExclusions, "a query (or group) needs at least one word that is not excluded", offset: start)
        }
        return .and(required: required, excluded: excluded)
    }

    /// What makes two required words or phrases of one sequence the same clause.
    private struct RepeatKey: Hashable {
        let words: [QueryTerm]
        let isPhrase: Bool
        let titleOnly: Bool
        let mandatory: Bool
    }

    /// The repeat key of a word or phrase node; nil for groups and ORs (kept as typed).
    private static func repeatKey(_ node: QueryNode, mandatory: Bool) -> RepeatKey? {
        switch node {
        case .term(let word, let titleOnly): return RepeatKey(words: [word], isPhrase: false, titleOnly: titleOnly, mandatory: mandatory)
        case .phrase(let words, let titleOnly): return RepeatKey(words: words, isPhrase: true, titleOnly: titleOnly, mandatory: mandatory)
        default: return nil
        }
    }

    private mutating func parseOr(titleOnly: Bool, depth: Int) throws(QueryError) -> QueryNode? {
        if atOperatorOR() {
            throw QueryError(.danglingOperator, "'OR' has no term on its left", offset: index)
        }
        let first = try parseUnit(titleOnly: titleOnly, depth: depth)
        // Whether the clause is one quoted word: the first operand's, if it is all that is kept.
        let firstQuoted = quotedWord
        var operands: [QueryNode] = first.map { [$0] } ?? []
        while true {
            let save = index
            skipSpaces()
            guard atOperatorOR() else {
                index = save
                break
            }
            let orAt = index
            index += 2
            skipSpaces()
            if index >= chars.count || chars[index] == ")" || atOperatorOR() {
                throw QueryError(.danglingOperator, "'OR' has no term on its right", offset: orAt)
            }
            if chars[index] == "-" {
                throw QueryError(.danglingOperator, "an exclusion cannot be an operand of 'OR'", offset: index)
            }
            guard first != nil, let next = try parseUnit(titleOnly: titleOnly, depth: depth) else {
                throw QueryError(.danglingOperator, "'OR' needs a searchable word on both sides", offset: orAt)
            }
            // `a OR a` is `a`: a repeated operand would only be decoded again.
            if let key = Self.repeatKey(next, mandatory: false),
                operands.contains(where: { Self.repeatKey($0, mandatory: false) == key })
            {
                continue
            }
            operands.append(next)
        }
        quotedWord = operands.count == 1 && firstQuoted
        switch operands.count {
        case 0: return nil
        case 1: return operands[0]
        default: return .or(operands)
        }
    }

    /// One unit; nil for a word with no token in it (pure punctuation), which is ignored.
    private mutating func parseUnit(titleOnly inherited: Bool, depth: Int) throws(QueryError) -> QueryNode? {
        var titleOnly = inherited
        let unitStart = index
        if hasPrefix("title:") {
            index += 6
            titleOnly = true
            if index >= chars.count || chars[index].isWhitespace || chars[index] == ")" {
                throw QueryError(.danglingOperator, "'title:' must be followed by a word or phrase", offset: unitStart)
            }
        }
        switch chars[index] {
        case "\"":
            let open = index
            index += 1
            var inner = ""
            while index < chars.count && chars[index] != "\"" {
                inner.append(chars[index])
                index += 1
            }
            guard index < chars.count else {
                throw QueryError(.unbalancedQuote, "the phrase opened here has no closing '\"'", offset: open)
            }
            index += 1
            let tokens = Tokenizer.tokens(inner)
            if tokens.isEmpty { throw QueryError(.emptyPhrase, "the phrase has no word in it", offset: open) }
            termCount += tokens.count
            let words = tokens.map { QueryTerm(token: $0, isPrefix: false) }
            if words.count == 1 { quotedWord = true }
            return words.count == 1 ? .term(words[0], titleOnly: titleOnly) : .phrase(words, titleOnly: titleOnly)
        case "(":
            let open = index
            if depth >= Query.maxDepth {
                throw QueryError(
                    .tooDeep, "groups are nested more than \(Query.maxDepth) deep here", offset: open)
            }
            index += 1
            let group = try parseSequence(titleOnly: titleOnly, depth: depth + 1)
            guard index < chars.count, chars[index] == ")" else {
                throw QueryError(.unbalancedParenthesis, "the group opened here has no closing ')'", offset: open)
            }
            index += 1
            guard let group else { throw QueryError(.empty, "the group has no word to search for", offset: open) }
            return group
        case ")":
            throw QueryError(.unbalancedParenthesis, "')' without a matching '('", offset: index)
        default:
            return try parseWord(titleOnly: titleOnly)
        }
    }

    private mutating func parseWord(titleOnly: Bool) throws(QueryError) -> QueryNode? {
        let start = index
        var word = ""
        while index < chars.count {
            let c = chars[index]
            if c.isWhitespace || c == "\"" || c == "(" || c == ")" { break }
            word.append(c)
            index += 1
        }
        var isPrefix = false
        while word.hasSuffix("*") {
            word.removeLast()
            isPrefix = true
        }
        let tokens = Tokenizer.tokens(word)
        if isPrefix {
            guard tokens.count == 1 else {
                if tokens.isEmpty {
                    throw QueryError(.prefixTooShort, "'*' needs at least \(Query.minPrefixLength) characters before it", offset: start)
                }
                throw QueryError(.invalidPrefix, "'*' applies to a single word, not '\(word)'", offset: start)
            }
            let length = tokens[0].term.unicodeScalars.count
            if length < Query.minPrefixLength {
                throw QueryError(
                    .prefixTooShort,
                    "'\(word)*' is too short: a prefix needs at least \(Query.minPrefixLength) characters",
                    offset: start)
            }
        }
        if tokens.isEmpty { return nil }
        termCount += tokens.count
        let words = tokens.map { QueryTerm(token: $0, isPrefix: isPrefix) }
        // A word that splits into several tokens (35-CT/TW, COVID-19) is searched as a phrase.
        return words.count == 1 ? .term(words[0], titleOnly: titleOnly) : .phrase(words, titleOnly: titleOnly)
    }

    private mutating func skipSpaces() {
        while index < chars.count && chars[index].isWhitespace { index += 1 }
    }

    private func hasPrefix(_ literal: String) -> Bool {
        var i = index
        for c in literal {
            guard i < chars.count, chars[i].lowercased() == String(c) else { return false }
            i += 1
        }
        return true
    }

    /// `OR` standing alone (followed by space, end, quote or parenthesis).
    private func atOperatorOR() -> Bool {
        guard index + 1 < chars.count, chars[index] == "O", chars[index + 1] == "R" else { return false }
        let after = index + 2
        return after >= chars.count || chars[after].isWhitespace || chars[after] == "\"" || chars[after] == "("
            || chars[after] == ")"
    }
}
