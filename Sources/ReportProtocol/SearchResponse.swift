// SearchResponse and SearchHit: the OK body of SEARCH (PROTOCOL.md §5.7).
//
//   u32 totalHits, u32 count, count x hit [details]
//   hit = str id, str title, f64 score (IEEE-754 bits, u64 big-endian), str snippet,
//         u16 matchCount, matchCount x (u32 start, u32 length)
//   details (only when the request had flag DETAILS) = u16 queryWords, count x u16 matchedWords,
//           u16 suggestionCount, suggestionCount x (str word, str suggestion)
//
// Invariant (checked on decode): every match range lies inside the snippet's UTF-8 bytes, and
// details, when present, hold one matched-word count per hit.
// Value types; thread-safe.

import NIOCore

/// One ranked hit of SEARCH (PROTOCOL.md §5.7).
public struct SearchHit: Sendable, Hashable {
    /// Report id.
    public var id: String
    /// Report title (its first line).
    public var title: String
    /// Relevance score; higher is better.
    public var score: Double
    /// A short excerpt around the matches.
    public var snippet: String
    /// Matched spans as UTF-8 byte ranges into `snippet` (wire: u32 start, u32 length).
    public var matches: [Range<UInt32>]

    /// Creates a hit.
    public init(id: String, title: String, score: Double, snippet: String, matches: [Range<UInt32>] = []) {
        self.id = id
        self.title = title
        self.score = score
        self.snippet = snippet
        self.matches = matches
    }

    /// Smallest encoding: three empty strs (6) + score (8) + matchCount (2).
    static let minimumWireBytes = 16
}

/// The answer to SEARCH (PROTOCOL.md §5.7).
public struct SearchResponse: Sendable, Hashable {
    /// Number of matching reports in the whole corpus, before limit/offset.
    public var totalHits: UInt32
    /// The requested page of hits, best first.
    public var hits: [SearchHit]
    /// The details block (PROTOCOL.md §5.7), sent only to a request with flag DETAILS.
    public var details: SearchDetails?

    /// Creates a SEARCH answer.
    public init(totalHits: UInt32, hits: [SearchHit], details: SearchDetails? = nil) {
        self.totalHits = totalHits
        self.hits = hits
        self.details = details
    }
}

/// The details block of a SEARCH answer (flag DETAILS): how much of the query each hit matched.
public struct SearchDetails: Sendable, Hashable {
    /// Words in the query's top-level positive clauses.
    public var queryWords: UInt16
    /// Per hit, in hit order: query words in the clauses it matched (equal to `queryWords` for a
    /// report with every word).
    public var matchedWords: [UInt16]
    /// "Did you mean": for a query word found in (almost) no report, indexed words close to it
    /// (never substituted: the hits are those of the query, not of the suggestions).
    public var suggestions: [(word: String, suggestion: String)]

    /// Creates a details block.
    public init(queryWords: UInt16, matchedWords: [UInt16], suggestions: [(word: String, suggestion: String)] = []) {
        self.queryWords = queryWords
        self.matchedWords = matchedWords
        self.suggestions = suggestions
    }

    public static func == (a: SearchDetails, b: SearchDetails) -> Bool {
        a.queryWords == b.queryWords && a.matchedWords == b.matchedWords
            && a.suggestions.map(\.word) == b.suggestions.map(\.word)
            && a.suggestions.map(\.suggestion) == b.suggestions.map(\.suggestion)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(queryWords)
        hasher.combine(matchedWords)
        for s in suggestions {
            hasher.combine(s.word)
            hasher.combine(s.suggestion)
        }
    }
}

extension ByteBuffer {
    /// Reads one `hit` (PROTOCOL.md §5.7).
    public mutating func readSearchHit() throws(ProtocolError) -> SearchHit {
        let id = try readWireString(field: "hit id")
        let title = try readWireString(field: "hit title")
        let score = Double(bitPattern: try readWireInteger(UInt64.self, field: "hit score"))
        let snippet = try readWireString(field: "hit snippet")
        let matchCount = try readWireCount(UInt16.self, field: "hit matchCount", minimumElementBytes: 8)
        let snippetBytes = UInt64(snippet.utf8.count)
        var matches: [Range<UInt32>] = []
        matches.reserveCapacity(matchCount)
        for _ in 0..<matchCount {
            let at = readerIndex
            let start = try readWireInteger(UInt32.self, field: "match start")
            let length = try readWireInteger(UInt32.self, field: "match length")
            guard UInt64(start) + UInt64(length) <= snippetBytes else {
                throw ProtocolError(
                    .malformedBody,
                    "match \(start)+\(length) runs past the \(snippetBytes)-byte snippet",
                    offset: at
                )
            }
            matches.append(start..<(start + length))
        }
        return SearchHit(id: id, title: title, score: score, snippet: snippet, matches: matches)
    }

    /// Writes one `hit` (PROTOCOL.md §5.7). At most 65,535 matches are written.
    @discardableResult
    public mutating func writeSearchHit(_ hit: SearchHit) -> Int {
        var written = writeWireString(hit.id) + writeWireString(hit.title)
        written += writeInteger(hit.score.bitPattern, endianness: .big)
        written += writeWireString(hit.snippet)
        let matches = hit.matches.prefix(Int(UInt16.max))
        written += writeInteger(UInt16(matches.count), endianness: .big)
        for match in matches {
            written += writeMultipleIntegers(match.lowerBound, UInt32(match.count), endianness: .big)
        }
        return written
    }
}
