// FrameDecoder: FrameParser adapted to a NIO pipeline (PROTOCOL.md §3), for the server.
//
// Emits `.parsed` for each FrameParser.Event, and `.receiving(bytes:)` while a frame too large to
// have arrived in one read is still coming in: each time the bytes buffered for it grow by
// `reportStep` (16 KiB), so the server can count a half-sent request against its memory budget
// (PROTOCOL.md §7) — a peer that sends a 16 MiB header and trickles the body holds that memory
// otherwise unseen. A body being skipped (oversized, wrong version) is never buffered or reported.
// Wrong magic makes decode throw, and ByteToMessageHandler then fires the error down the pipeline:
// the connection handler closes the channel. At EOF leftover bytes of a partial frame are reported
// by ByteToMessageHandler as leftover data.
// Invariant: `reported` is 0 or the buffered size last reported for the frame now arriving.
// One decoder per channel; used only on that channel's event loop.

import NIOCore

/// NIO decoder producing `FrameDecoder.Event`s; wrap it in `ByteToMessageHandler`.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    /// What the decoder found in the bytes received so far.
    public enum Event: Sendable, Equatable {
        /// A frame, an oversized header or a wrong-version header (FrameParser.Event).
        case parsed(FrameParser.Event)
        /// The next frame is incomplete and `bytes` of it are buffered; sent when that grows by
        /// `reportStep`. The next `.parsed` means they are no longer held for it.
        case receiving(bytes: Int)
    }

    public typealias InboundOut = Event

    /// Growth of a partial frame's buffered bytes between two `.receiving` events.
    public static let reportStep = 16 << 10

    private var parser: FrameParser
    private var reported = 0

    /// Creates a decoder accepting bodies of at most `maxBodyBytes` bytes.
    public init(maxBodyBytes: UInt32) {
        self.parser = FrameParser(maxBodyBytes: maxBodyBytes)
    }

    /// Returns the next event, or nil when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws -> Event? {
        if let event = try parser.next(&buffer) {
            reported = 0
            return .parsed(event)
        }
        let buffered = parser.isSkipping ? 0 : buffer.readableBytes
        guard buffered >= reported + Self.reportStep else { return nil }
        reported = buffered
        return .receiving(bytes: buffered)
    }

    /// Same as `decode`; a partial frame at EOF stays in the buffer as leftover data.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Event? {
        try decode(buffer: &buffer)
    }
}
