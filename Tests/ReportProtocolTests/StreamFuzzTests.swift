// StreamFuzzTests: a seeded mutation fuzzer for the server's input path — FrameParser over a byte
// stream delivered in random chunks, then the request decoder on every frame it yields. Unlike
// MutationTests (bodies of single vectors, framing kept intact) it mutates whole pipelined streams,
// headers included: magic, version, lengths, truncation, insertion, duplication. The outcome of
// every step must be one of: a frame, need-more-bytes, an oversized or wrong-version header to skip,
// or the bad-magic ProtocolError; decoded requests must re-encode to an equal request. Fixed seed
// and round count, so every run checks the same cases in a few seconds.

import NIOCore
import ReportProtocol
import Testing

@Suite("stream fuzzing of FrameParser and Request.decode")
struct StreamFuzzTests {
    /// Valid requests of every opcode, the seeds the mutations start from.
    static let seeds: [Request] = [
        .hello(clientVersion: 1, clientName: "reportctl"),
        .ping(ByteBuffer(bytes: [1, 2, 3])),
        .get(id: "21395276", raw: false),
        .get(id: "báo-cáo", raw: true),
        .mget(ids: ["1", "22", "333"], raw: false),
        .stats, .dictionary, .snapshot, .reload, .shutdown,
        .search(SearchRequest(query: "\"kinh tế\" OR Huế", limit: 10, offset: 5, fold: true, idsOnly: true)),
        .count(query: "Đảng ủy", fold: false),
        .put(id: "9001", text: ByteBuffer(bytes: Array("Tin vắn\nTrời nắng.".utf8))),
        .delete(id: "9001"),
    ]

    static let maxBody: UInt32 = 4096

    /// A stream of 1-4 seed frames, then 1-4 mutations anywhere in it.
    static func mutatedStream(_ random: inout SplitMix64) -> [UInt8] {
        var stream: [UInt8] = []
        for _ in 0...(random.next() % 4) {
            var buffer = ByteBuffer()
            buffer.writeRequest(seeds[Int(random.next() % UInt64(seeds.count))], requestID: UInt32(truncatingIfNeeded: random.next()))
            stream += buffer.readableBytesView
        }
        for _ in 0...(random.next() % 4) where !stream.isEmpty {
            let at = Int(random.next() % UInt64(stream.count))
            switch random.next() % 8 {
            case 0: stream[at] ^= UInt8(truncatingIfNeeded: random.next() | 1)  // flip bits
            case 1: stream[at] = [0x00, 0xFF, 0x7F, 0x80, 0xD5, 0x01][Int(random.next() % 6)]  // edge values
            case 2: stream.removeSubrange(at..<min(stream.count, at + 1 + Int(random.next() % 16)))  // cut
            case 3: stream.insert(contentsOf: (0..<(1 + random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            case 4: stream += stream[at..<min(stream.count, at + 1 + Int(random.next() % 64))]  // duplicate a slice
            case 5: stream.removeLast(Int(random.next() % UInt64(stream.count)))  // truncate
            case 6 where stream.count >= 12:  // a random length in the first header
                let length = [UInt32.max, maxBody, maxBody + 1, 0, UInt32(truncatingIfNeeded: random.next() % 64)][Int(random.next() % 5)]
                withUnsafeBytes(of: length.bigEndian) { stream.replaceSubrange(8..<12, with: $0) }
            default:  // a random version or opcode in the first header
                if stream.count >= 3 { stream[1 + Int(random.next() % 2)] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return stream
    }

    @Test("20,000 mutated pipelined streams in random chunks: frame, need-more, skip or bad magic, never a crash")
    func mutatedStreams() throws {
        var random = SplitMix64(state: 0xF0A2_2026)
        var outcomes: [String: Int] = [:]
        for round in 0..<20_000 {
            let stream = Self.mutatedStream(&random)
            var parser = FrameParser(maxBodyBytes: Self.maxBody)
            var buffer = ByteBuffer()
            var fed = 0
            var consumed = 0
            var framingLost = false
            while fed < stream.count && !framingLost {
                let chunk = 1 + Int(random.next() % 48)
                buffer.writeBytes(stream[fed..<min(stream.count, fed + chunk)])
                fed = min(stream.count, fed + chunk)
                // Drain every event the bytes so far hold; each step must make progress or stop.
                for _ in 0...stream.count {
                    let before = buffer.readerIndex
                    let wasSkipping = parser.isSkipping
                    let event: FrameParser.Event?
                    do {
                        event = try parser.next(&buffer)
                    } catch {
                        #expect(error.code == .badMagic, "round \(round): \(error)")
                        outcomes["bad magic", default: 0] += 1
                        framingLost = true
                        break
                    }
                    consumed += buffer.readerIndex - before
                    guard let event else {
                        if !wasSkipping && !parser.isSkipping {
                            #expect(buffer.readerIndex == before, "round \(round): need-more must leave the buffer untouched")
                        }
                        outcomes["need more", default: 0] += 1
                        break
                    }
                    switch event {
                    case .frame(let frame):
                        #expect(frame.header.bodyLength <= Self.maxBody)
                        #expect(frame.body.readableBytes == Int(frame.header.bodyLength))
                        try checkDecode(frame, round: round, outcomes: &outcomes)
                    case .oversized(let header):
                        #expect(header.bodyLength > Self.maxBody)
                        outcomes["oversized", default: 0] += 1
                    case .unsupportedVersion(let header):
                        #expect(header.version != FrameHeader.currentVersion)
                        outcomes["wrong version", default: 0] += 1
                    }
                }
            }
            #expect(consumed <= fed, "round \(round): consumed \(consumed) of \(fed) bytes")
        }
        // Every outcome must actually occur, or the fuzzer is not reaching it.
        for outcome in ["bad magic", "need more", "oversized", "wrong version", "decoded", "refused"] {
            #expect((outcomes[outcome] ?? 0) > 20, "outcome \(outcome) seen \(outcomes[outcome] ?? 0) times: \(outcomes)")
        }
    }

    /// A frame decodes to a request that re-encodes to an equal one, or is refused with a status.
    private func checkDecode(_ frame: Frame, round: Int, outcomes: inout [String: Int]) throws {
        let request: Request
        do {
            request = try Request.decode(frame, maxBatchItems: 1000)
        } catch {
            #expect([.badRequest, .unknownOpcode, .tooManyItems, .unsupportedVersion].contains(error.status), "round \(round): \(error)")
            outcomes["refused", default: 0] += 1
            return
        }
        outcomes["decoded", default: 0] += 1
        var encoded = ByteBuffer()
        encoded.writeRequest(request, requestID: frame.header.requestID)
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        guard case .frame(let again)? = try parser.next(&encoded) else {
            Issue.record("round \(round): re-encoded \(request) does not frame")
            return
        }
        #expect(try Request.decode(again, maxBatchItems: 1000) == request, "round \(round)")
        // The client's decoder meets the same bytes when a peer is hostile: it must not crash either.
        _ = try? Response.decode(frame)
    }
}
