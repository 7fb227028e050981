// ResponseEncoder: NIO encoder writing ResponseFrame values as frames (PROTOCOL.md §3).
// Stateless; one per channel by NIO convention. The server may instead write bytes directly
// with the ByteBuffer+Response hot-path helpers.

import NIOCore

/// Encodes `ResponseFrame`s for a NIO server pipeline; wrap it in `MessageToByteHandler`.
public struct ResponseEncoder: MessageToByteEncoder, Sendable {
    /// The message type accepted on writes.
    public typealias OutboundIn = ResponseFrame

    /// Creates the encoder.
    public init() {}

    /// Writes one response frame.
    public func encode(data: ResponseFrame, out: inout ByteBuffer) throws {
        out.writeResponse(data.response, to: data.opcode, requestID: data.requestID)
    }
}
