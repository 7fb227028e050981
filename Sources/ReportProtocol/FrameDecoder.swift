// FrameDecoder: FrameParser adapted to a NIO pipeline (PROTOCOL.md §3).
//
// Emits FrameParser.Event values. Wrong magic makes decode throw, and ByteToMessageHandler then
// fires the error down the pipeline: the connection handler closes the channel. At EOF leftover
// bytes of a partial frame are reported by ByteToMessageHandler as leftover data. One decoder
// per channel; used only on that channel's event loop.

import NIOCore

/// NIO decoder producing `FrameParser.Event`s; wrap it in `ByteToMessageHandler`.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    /// Each event is a frame, an oversized header or a wrong-version header.
    public typealias InboundOut = FrameParser.Event

    private var parser: FrameParser

    /// Creates a decoder accepting bodies of at most `maxBodyBytes` bytes.
    public init(maxBodyBytes: UInt32) {
        self.parser = FrameParser(maxBodyBytes: maxBodyBytes)
    }

    /// Returns the next event, or nil when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws -> FrameParser.Event? {
        try parser.next(&buffer)
    }

    /// Same as `decode`; a partial frame at EOF stays in the buffer as leftover data.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FrameParser.Event? {
        try parser.next(&buffer)
    }
}
