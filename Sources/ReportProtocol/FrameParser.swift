// FrameParser: the incremental frame reader shared by the NIO server (via FrameDecoder) and the
// blocking client (directly) — PROTOCOL.md §3 and §6.
//
// State machine:
//
//   .header ──12 bytes, magic ok, v1, length ok, whole body here──▶ .frame(Frame)   (stay .header)
//      │ ├─ magic != 0xD5 ────────────────────────────────────────▶ throw .badMagic (caller closes)
//      │ ├─ version != 1 ──────────▶ .unsupportedVersion(header) ─▶ .skipping(bodyLength)
//      │ └─ length > maxBodyBytes ─▶ .oversized(header) ──────────▶ .skipping(bodyLength)
//   .skipping(n) ── drops min(n, readable) bytes per call, never buffering them ──▶ .header
//
// Invariants: when next() returns nil in .header state the buffer is untouched (too few bytes);
// in .skipping state it consumes whatever skip bytes are present. An oversized length is
// reported as soon as its 12 header bytes arrive, before any body byte is held. Not thread-safe:
// one parser per connection, used by one thread at a time (it is a value type).

import NIOCore

/// Incremental, allocation-bounded frame parser (PROTOCOL.md §3).
public struct FrameParser: Sendable {
    /// What the parser found in the bytes.
    public enum Event: Sendable, Equatable {
        /// A complete version-1 frame within the size limit.
        case frame(Frame)
        /// A header whose body length exceeds `maxBodyBytes`; its body is being skipped.
        /// A server answers FRAME_TOO_LARGE.
        case oversized(FrameHeader)
        /// A header whose version is not 1; its body is being skipped.
        /// A server answers UNSUPPORTED_VERSION.
        case unsupportedVersion(FrameHeader)
    }

    enum State: Sendable, Hashable {
        case header
        case skipping(remaining: UInt32)
    }

    /// Largest body accepted; larger frames become `.oversized`.
    public let maxBodyBytes: UInt32
    private(set) var state: State = .header

    /// Creates a parser accepting bodies of at most `maxBodyBytes` bytes.
    public init(maxBodyBytes: UInt32) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether the parser is in the middle of discarding an oversized or wrong-version body.
    public var isSkipping: Bool {
        if case .skipping = state { return true }
        return false
    }

    /// Returns the next event, or nil when more bytes are needed.
    ///
    /// - Parameter buffer: received bytes; consumed frames (and skipped bodies) are removed from
    ///   the front. When nil is returned outside a skip, `buffer` is left untouched.
    /// - Throws: `.badMagic` when byte 0 of a header is not 0xD5; framing is lost and the caller
    ///   must close the connection.
    public mutating func next(_ buffer: inout ByteBuffer) throws(ProtocolError) -> Event? {
        while true {
            if isSkipping {
                skipAvailable(&buffer)
                if isSkipping { return nil }
            }
            // Check the magic on the first byte so garbage is refused without waiting for 12 bytes.
            guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
            guard first == FrameHeader.magicByte else {
                throw ProtocolError(.badMagic, "frame starts with 0x\(String(first, radix: 16)), not 0xd5")
            }
            guard let header = FrameHeader.peek(in: buffer) else { return nil }
            // Version before length: the header layout is fixed for all versions (PROTOCOL.md §9),
            // so a wrong version is answerable whatever its length claims.
            if header.version != FrameHeader.currentVersion {
                beginSkip(header, &buffer)
                return .unsupportedVersion(header)
            }
            if header.bodyLength > maxBodyBytes {
                beginSkip(header, &buffer)
                return .oversized(header)
            }
            guard buffer.readableBytes - FrameHeader.size >= Int(header.bodyLength) else { return nil }
            buffer.moveReaderIndex(forwardBy: FrameHeader.size)
            let body = buffer.readSlice(length: Int(header.bodyLength))!  // length checked above
            return .frame(Frame(header: header, body: body))
        }
    }

    private mutating func beginSkip(_ header: FrameHeader, _ buffer: inout ByteBuffer) {
        buffer.moveReaderIndex(forwardBy: FrameHeader.size)
        state = .skipping(remaining: header.bodyLength)
        // Drop whatever part of the body is already here; the rest goes on later calls.
        skipAvailable(&buffer)
    }

    /// Drops up to the remaining skip count from the front of `buffer`; back to .header at zero.
    private mutating func skipAvailable(_ buffer: inout ByteBuffer) {
        guard case .skipping(let remaining) = state else { return }
        let dropped = min(Int(remaining), buffer.readableBytes)
        buffer.moveReaderIndex(forwardBy: dropped)
        let left = remaining - UInt32(dropped)
        state = left == 0 ? .header : .skipping(remaining: left)
    }
}
