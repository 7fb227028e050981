// ProtocolError: the one error type of ReportProtocol (PROTOCOL.md §6).
//
// A code plus context (opcode, request id, byte offset into the body, the offending value in the
// message). `status` maps each code to the wire status a server sends back; `closesConnection`
// says when framing is lost. New codes may be added without breaking callers that switch with a
// default. Value type; safe to send across threads.

/// An error found while parsing or decoding frames (PROTOCOL.md §6).
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// Byte 0 is not 0xD5: framing is lost, close the connection.
        case badMagic
        /// The body length is above the receiver's maximum.
        case frameTooLarge
        /// The header's version is not 1.
        case unsupportedVersion
        /// The opcode is not defined by version 1.
        case unknownOpcode
        /// A body field is cut short, has bytes left over, or holds an invalid value.
        case malformedBody
        /// MGET asked for more ids than maxBatchItems.
        case tooManyItems
        /// A str field to encode is longer than 65,535 UTF-8 bytes.
        case fieldTooLong
    }

    /// What went wrong.
    public var code: Code
    /// Human-readable detail, suitable for the `str message` of an error response.
    public var message: String
    /// The opcode of the frame being decoded, when known.
    public var opcode: Opcode?
    /// Byte offset into the frame body where decoding failed, when known.
    public var offset: Int?

    /// Creates an error with its context.
    public init(_ code: Code, _ message: String, opcode: Opcode? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.opcode = opcode
        self.offset = offset
    }

    /// The status a server answers with for this error (PROTOCOL.md §6).
    public var status: Status {
        switch code {
        case .badMagic, .malformedBody, .fieldTooLong: .badRequest
        case .frameTooLarge: .frameTooLarge
        case .unsupportedVersion: .unsupportedVersion
        case .unknownOpcode: .unknownOpcode
        case .tooManyItems: .tooManyItems
        }
    }

    /// Whether framing is lost and the connection must be closed without an answer.
    public var closesConnection: Bool { code == .badMagic }

    /// `code: message (opcode, offset)`.
    public var description: String {
        var text = "\(code): \(message)"
        var context: [String] = []
        if let opcode { context.append("opcode \(opcode)") }
        if let offset { context.append("body offset \(offset)") }
        if !context.isEmpty { text += " (" + context.joined(separator: ", ") + ")" }
        return text
    }
}
