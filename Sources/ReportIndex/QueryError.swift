// QueryError: the error type of Query.parse, thrown for a malformed query (IndexFormatError is the
// other error of ReportIndex, for serialized index bytes).
// Invariant: `message` names the problem in words a user can act on; `offset` is the character
// offset in the query text where it was found. A value type; Sendable.

/// A malformed query.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the query.
    public enum Code: String, Sendable, Equatable {
        /// No searchable term at all (blank, or only punctuation).
        case empty
        /// A `"` without its closing partner.
        case unbalancedQuote
        /// A `(` without `)` or a `)` without `(`.
        case unbalancedParenthesis
        /// Every clause is a `-exclusion` (at top level or inside a group).
        case onlyExclusions
        /// `x*` with fewer than `Query.minPrefixLength` characters before the `*`.
        case prefixTooShort
        /// `*` on a word that is not a single token (e.g. `covid-1*`).
        case invalidPrefix
        /// `OR`, `title:`, `-` or `+` without an operand, or `-` as an OR operand.
        case danglingOperator
        /// `""` or a phrase with no token in it.
        case emptyPhrase
        /// More than `Query.maxCharacters` characters of query text.
        case tooLong
        /// Parentheses nested more than `Query.maxDepth` deep.
        case tooDeep
        /// Evaluating the query would decode more than `Query.workBudget` bytes of postings.
        case tooMuchWork
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation naming the problem.
    public let message: String
    /// Character offset in the query text where the problem was detected.
    public let offset: Int

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int = 0) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(code.rawValue) at \(offset): \(message)" }
}
