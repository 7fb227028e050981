// RequestFrame: a Request with the request id it travels under, the outbound message of
// RequestEncoder. Value type; thread-safe.

/// A request paired with its request id.
public struct RequestFrame: Sendable, Hashable {
    /// Chosen by the client; the server echoes it.
    public var requestID: UInt32
    /// The command.
    public var request: Request

    /// Pairs a request with its id.
    public init(requestID: UInt32, request: Request) {
        self.requestID = requestID
        self.request = request
    }
}
