// ResponseFrame: a Response with the opcode and request id it answers, the outbound message of
// ResponseEncoder. Value type; thread-safe.

/// A response paired with the opcode and request id of the request it answers.
public struct ResponseFrame: Sendable, Hashable {
    /// The request's id, echoed.
    public var requestID: UInt32
    /// The request's opcode, echoed.
    public var opcode: Opcode
    /// The answer.
    public var response: Response

    /// Pairs a response with what it answers.
    public init(requestID: UInt32, opcode: Opcode, response: Response) {
        self.requestID = requestID
        self.opcode = opcode
        self.response = response
    }
}
