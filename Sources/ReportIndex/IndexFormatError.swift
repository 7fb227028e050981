// IndexFormatError: thrown by IndexSegment(serialized:) for bytes that are not a well-formed
// serialized segment (truncated, damaged, or from another format version).
// Invariant: `message` names the inconsistency found; `offset` is the byte offset in the
// serialized input where it was found (0 when it concerns the whole input). A value type; Sendable.

/// Serialized index bytes that cannot be loaded.
public struct IndexFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the bytes.
    public enum Code: String, Sendable, Equatable {
        /// The input does not start with the segment magic.
        case badMagic
        /// A format version this build does not read.
        case unsupportedVersion
        /// The input ends before a field or section it announces (or a count is too large for it).
        case truncated
        /// Bytes left over after the last section.
        case trailingBytes
        /// A header field out of its valid range (doc range past UInt32, counts inconsistent).
        case badHeader
        /// Doc or title lengths inconsistent (counts differ, title longer than doc, too long).
        case badLengths
        /// The term dictionary is malformed (varint, term bytes, posting lengths, term count).
        case badDictionary
        /// A posting list does not decode within its bytes to docs and positions in range.
        case badPosting
    }

    /// The kind of problem.
    public let code: Code
    /// A human-readable explanation naming the problem.
    public let message: String
    /// Byte offset in the serialized input where the problem was found.
    public let offset: Int

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int = 0) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "index format \(code.rawValue) at byte \(offset): \(message)" }
}
