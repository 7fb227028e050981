// RequestEncoder: NIO encoder writing RequestFrame values as frames (PROTOCOL.md §3).
// Stateless; one per channel by NIO convention.

import NIOCore

/// Encodes `RequestFrame`s for a NIO client pipeline; wrap it in `MessageToByteHandler`.
public struct RequestEncoder: MessageToByteEncoder, Sendable {
    /// The message type accepted on writes.
    public typealias OutboundIn = RequestFrame

    /// Creates the encoder.
    public init() {}

    /// Writes one request frame.
    public func encode(data: RequestFrame, out: inout ByteBuffer) throws {
        out.writeRequest(data.request, requestID: data.requestID)
    }
}
