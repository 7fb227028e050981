// Frame: one header plus its complete body, as FrameParser delivers it (PROTOCOL.md §3).
//
// Invariant kept by FrameParser (not by this struct): body.readableBytes == header.bodyLength.
// The body is a slice of the receive buffer, so holding a Frame keeps that storage alive.
// Value type; safe to send across threads.

import NIOCore

/// A complete frame: header and body bytes (PROTOCOL.md §3).
public struct Frame: Sendable {
    /// The 12-byte header.
    public var header: FrameHeader
    /// Exactly `header.bodyLength` bytes when produced by `FrameParser`.
    public var body: ByteBuffer

    /// Creates a frame; the caller keeps header.bodyLength and body in agreement.
    public init(header: FrameHeader, body: ByteBuffer) {
        self.header = header
        self.body = body
    }
}

extension Frame: Equatable {}
