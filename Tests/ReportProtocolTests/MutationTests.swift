// MutationTests: deterministic mutations of the PROTOCOL.md vectors pushed through the parser
// and decoders. Nothing may crash, and whatever still decodes must re-encode to the very same
// bytes (each value has exactly one encoding). Seeded generator: the same cases every run.

import NIOCore
import ReportProtocol
import Testing

/// SplitMix64: a tiny seeded generator so mutation runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Flips, overwrites or cuts body bytes, then fixes the header's length so framing stays intact.
func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
    var body = Array(bytes[FrameHeader.size...])
    switch random.next() % 3 {
    case 0 where !body.isEmpty:
        for _ in 0...(random.next() % 3) {
            body[Int(random.next() % UInt64(body.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
        }
    case 1 where !body.isEmpty:
        body.removeLast(Int(random.next() % UInt64(body.count)) + 1)
    default:
        body.append(UInt8(truncatingIfNeeded: random.next()))
        if !body.isEmpty { body[Int(random.next() % UInt64(body.count))] = 0xFF }
    }
    var out = ByteBuffer(bytes: bytes[..<8])
    out.writeInteger(UInt32(body.count))
    out.writeBytes(body)
    return Array(out.readableBytesView)
}

@Suite("Mutated vectors")
struct MutationTests {
    @Test("4,000 mutated vectors never crash, and what decodes re-encodes to the same bytes")
    func mutatedVectors() throws {
        let vectors = try VectorDocument.documentVectors().values.sorted { $0.name < $1.name }
            .filter { $0.bytes.count >= FrameHeader.size && $0.name != "frame-too-large-request-6" }
        var random = SplitMix64(state: 0x5EED)
        var decoded = 0
        var refused = 0
        for round in 0..<4_000 {
            let vector = vectors[round % vectors.count]
            let bytes = mutate(vector.bytes, using: &random)
            var input = ByteBuffer(bytes: bytes)
            var parser = FrameParser(maxBodyBytes: 1 << 20)
            guard case .frame(let frame) = try parser.next(&input) else { continue }
            var encoded = ByteBuffer()
            if vector.direction == "request" {
                guard let request = try? Request.decode(frame, maxBatchItems: 1000) else {
                    refused += 1
                    continue
                }
                encoded.writeRequest(request, requestID: frame.header.requestID)
            } else {
                guard let response = try? Response.decode(frame) else {
                    refused += 1
                    continue
                }
                // A bare non-OK status decodes with an empty message, which encodes as a str.
                if case .failure(_, "") = response, frame.body.readableBytes == 2 { continue }
                encoded.writeResponse(response, to: frame.header.opcode, requestID: frame.header.requestID)
            }
            decoded += 1
            #expect(Array(encoded.readableBytesView) == bytes, "round \(round), mutated \(vector.name)")
        }
        // Both outcomes must actually occur, or the test is not exercising anything.
        #expect(decoded > 100)
        #expect(refused > 100)
    }
}
