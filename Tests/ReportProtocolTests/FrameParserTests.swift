// FrameParserTests: the incremental parser and its NIO wrapper against split, batched and
// hostile input (PROTOCOL.md §3, §6). Fixtures are built here with the codec's own writers.

import NIOCore
import NIOEmbedded
import NIOTestUtils
import ReportProtocol
import Testing

func requestBytes(_ request: Request, id: UInt32) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeRequest(request, requestID: id)
    return buffer
}

func header(_ opcode: Opcode, id: UInt32, length: UInt32, version: UInt8 = 1, magic: UInt8 = 0xD5) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeFrameHeader(
        FrameHeader(magic: magic, version: version, opcode: opcode, requestID: id, bodyLength: length))
    return buffer
}

/// The frame event a request encodes to, built by hand from the header fields.
func frameEvent(_ bytes: ByteBuffer) -> FrameParser.Event {
    var bytes = bytes
    let header = FrameHeader.peek(in: bytes)!
    bytes.moveReaderIndex(forwardBy: FrameHeader.size)
    return .frame(Frame(header: header, body: bytes))
}

@Suite("FrameParser and FrameDecoder")
struct FrameParserTests {
    @Test("decoder verifier: frames survive byte-by-byte, single and batched delivery")
    func verifierAcceptsFrames() throws {
        let ping = requestBytes(.ping(ByteBuffer(string: "abc")), id: 1)
        let get = requestBytes(.get(id: "21395276", raw: true), id: 2)
        let stats = requestBytes(.stats, id: 3)
        var oversized = header(.put, id: 4, length: 40)
        oversized.writeRepeatingByte(0x41, count: 40)
        var wrongVersion = header(.hello, id: 5, length: 3, version: 2)
        wrongVersion.writeBytes([1, 2, 3])
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (ping, [.parsed(frameEvent(ping))]),
                (get, [.parsed(frameEvent(get))]),
                (stats, [.parsed(frameEvent(stats))]),
                (oversized, [.parsed(.oversized(FrameHeader.peek(in: oversized)!))]),
                (wrongVersion, [.parsed(.unsupportedVersion(FrameHeader.peek(in: wrongVersion)!))]),
            ],
            decoderFactory: { FrameDecoder(maxBodyBytes: 32) }
        )
    }

    @Test("a frame arriving in pieces is reported as it grows, by reportStep; a skipped body never is")
    func partialFrameIsReported() throws {
        let step = FrameDecoder.reportStep
        var whole = header(.put, id: 7, length: UInt32(3 * step + 20_000))
        whole.writeRepeatingByte(0x41, count: 3 * step + 20_000)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxBodyBytes: 1 << 20)))
        var events: [FrameDecoder.Event] = []
        while whole.readableBytes > 0 {
            let piece = whole.readSlice(length: min(10_000, whole.readableBytes))!
            try channel.writeInbound(piece)
            while let event = try channel.readInbound(as: FrameDecoder.Event.self) { events.append(event) }
        }
        let sizes = events.compactMap { event -> Int? in
            if case .receiving(let bytes) = event { return bytes }
            return nil
        }
        #expect(sizes.count == 3, "one report per step of growth: \(sizes)")
        // Each report comes with the first piece that takes the growth since the last one to a step.
        let growth = zip(sizes, [0] + sizes).map { $0 - $1 }
        #expect(growth.allSatisfy { $0 >= step && $0 < step + 10_000 }, "\(sizes)")
        guard case .parsed(.frame(let frame))? = events.last else {
            Issue.record("expected the frame last, got \(String(describing: events.last))")
            return
        }
        #expect(frame.body.readableBytes == 3 * step + 20_000)

        // An oversized body is dropped as it comes: nothing is buffered, nothing reported.
        var huge = header(.put, id: 8, length: UInt32(4 * step))
        huge.writeRepeatingByte(0x42, count: 4 * step)
        let skipping = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxBodyBytes: 1_000)))
        var skipped: [FrameDecoder.Event] = []
        while huge.readableBytes > 0 {
            try skipping.writeInbound(huge.readSlice(length: min(10_000, huge.readableBytes))!)
            while let event = try skipping.readInbound(as: FrameDecoder.Event.self) { skipped.append(event) }
        }
        #expect(skipped == [.parsed(.oversized(FrameHeader(opcode: .put, requestID: 8, bodyLength: UInt32(4 * step))))])
        _ = try channel.finish()
        _ = try skipping.finish()
    }

    @Test("a truncated frame yields nil and leaves the buffer untouched, at every cut")
    func truncatedFrameWaits() throws {
        let whole = requestBytes(.search(SearchRequest(query: "mưa lớn", limit: 5)), id: 9)
        for cut in 0..<whole.readableBytes {
            var parser = FrameParser(maxBodyBytes: 1 << 20)
            var partial = whole.getSlice(at: whole.readerIndex, length: cut)!
            let before = partial
            #expect(try parser.next(&partial) == nil, "cut at \(cut)")
            #expect(partial.readerIndex == before.readerIndex && partial == before, "cut at \(cut) moved the buffer")
        }
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        var complete = whole
        #expect(try parser.next(&complete) == frameEvent(whole))
        #expect(complete.readableBytes == 0)
    }

    @Test("length 0xFFFFFFFF is reported oversized right after the 12 header bytes, then skipped")
    func hugeLengthIsSkippedWithoutBuffering() throws {
        var parser = FrameParser(maxBodyBytes: 16 << 20)
        var input = header(.put, id: 77, length: 0xFFFF_FFFF)
        let event = try parser.next(&input)
        #expect(event == .oversized(FrameHeader(opcode: .put, requestID: 77, bodyLength: 0xFFFF_FFFF)))
        #expect(input.readableBytes == 0)
        #expect(parser.isSkipping)
        // Feed 64 KiB chunks: each is dropped at once, so nothing accumulates.
        for _ in 0..<16 {
            var chunk = ByteBuffer(repeating: 0x5A, count: 65_536)
            #expect(try parser.next(&chunk) == nil)
            #expect(chunk.readableBytes == 0, "skipped bytes must not be held")
        }
        #expect(parser.isSkipping)
    }

    @Test("after an oversized body is skipped the next frame parses, even when they share a buffer")
    func parsingResumesAfterSkip() throws {
        var parser = FrameParser(maxBodyBytes: 8)
        var input = header(.put, id: 1, length: 20)
        input.writeRepeatingByte(0xD5, count: 7)  // the body may hold anything, even magic bytes
        #expect(try parser.next(&input) == .oversized(FrameHeader(opcode: .put, requestID: 1, bodyLength: 20)))
        #expect(try parser.next(&input) == nil)
        var rest = ByteBuffer(repeating: 0xD5, count: 13)
        let ping = requestBytes(.ping(ByteBuffer()), id: 2)
        rest.writeImmutableBuffer(ping)
        #expect(try parser.next(&rest) == frameEvent(ping))
        #expect(rest.readableBytes == 0)
        #expect(!parser.isSkipping)
    }

    @Test("a version 2 header is reported and its body skipped; framing continues")
    func versionTwoIsSkipped() throws {
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        var input = header(.get, id: 5, length: 4, version: 2)
        input.writeBytes([0, 2, 0x41, 0x42])
        let ping = requestBytes(.ping(ByteBuffer(string: "x")), id: 6)
        input.writeImmutableBuffer(ping)
        guard case .unsupportedVersion(let seen) = try parser.next(&input) else {
            Issue.record("expected .unsupportedVersion")
            return
        }
        #expect(seen.version == 2 && seen.requestID == 5 && seen.opcode == .get)
        #expect(try parser.next(&input) == frameEvent(ping))
    }

    @Test("a version 2 header with a huge length is reported as a version problem, not size")
    func versionIsCheckedBeforeLength() throws {
        var parser = FrameParser(maxBodyBytes: 16)
        var input = header(.get, id: 5, length: 0xFFFF_FFFF, version: 2)
        guard case .unsupportedVersion = try parser.next(&input) else {
            Issue.record("expected .unsupportedVersion")
            return
        }
        #expect(parser.isSkipping)
    }

    @Test("wrong magic throws badMagic on the first byte, before a whole header arrives")
    func badMagicThrows() throws {
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        var input = ByteBuffer(bytes: [0x47])  // 'G' of an HTTP GET
        let error = #expect(throws: ProtocolError.self) { try parser.next(&input) }
        #expect(error?.code == .badMagic)
        #expect(error?.closesConnection == true)
    }

    @Test("wrong magic after a good frame throws once the good frame is delivered")
    func badMagicAfterGoodFrame() throws {
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        var input = requestBytes(.stats, id: 1)
        input.writeImmutableBuffer(header(.stats, id: 2, length: 0, magic: 0xD4))
        #expect(try parser.next(&input) == frameEvent(requestBytes(.stats, id: 1)))
        #expect(throws: ProtocolError.self) { try parser.next(&input) }
    }

    @Test("an empty buffer yields nil")
    func emptyBuffer() throws {
        var parser = FrameParser(maxBodyBytes: 0)
        var input = ByteBuffer()
        #expect(try parser.next(&input) == nil)
    }

    @Test("a body exactly at the limit is a frame; one byte more is oversized")
    func limitIsInclusive() throws {
        let atLimit = requestBytes(.ping(ByteBuffer(repeating: 1, count: 16)), id: 1)
        var parser = FrameParser(maxBodyBytes: 16)
        var input = atLimit
        #expect(try parser.next(&input) == frameEvent(atLimit))
        var over = requestBytes(.ping(ByteBuffer(repeating: 1, count: 17)), id: 2)
        guard case .oversized = try parser.next(&over) else {
            Issue.record("17 bytes over a 16-byte limit must be oversized")
            return
        }
    }
}
