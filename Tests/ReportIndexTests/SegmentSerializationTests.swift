// IndexSegment serialization: round trip, and hostile input (truncation, byte flips, huge counts)
// that must throw IndexFormatError or load into something searchable, never trap.
import Testing

@testable import ReportIndex

@Suite("Segment serialization")
struct SegmentSerializationTests {
    static let seed: UInt64 = 20_250_301

    @Test("a round trip gives identical bytes and identical search results")
    func roundTrip() throws {
        var fixtures = SegmentFixtures(seed: Self.seed, count: 160)
        let segment = fixtures.segment(0..<160, dead: { $0 % 11 == 4 })
        let rebased = IndexSegment(base: 7_000, index: segment.index)
        let bytes = rebased.serialized()
        let loaded = try IndexSegment(serialized: bytes)
        #expect(loaded.base == 7_000)
        #expect(loaded.docRange == rebased.docRange)
        #expect(loaded.serialized() == bytes)
        #expect(loaded.index.documentCount == segment.index.documentCount)
        #expect(loaded.index.averageWeightedLength == segment.index.averageWeightedLength)
        #expect(loaded.index.termCount == segment.index.termCount)
        let isLive: (UInt32) -> Bool = { $0 % 5 != 1 }
        for (n, query) in fixtures.queries(300).enumerated() {
            let expected = segment.index.search(query, limit: 20, offset: 0, isLive: isLive)
            #expect(loaded.index.search(query, limit: 20, offset: 0, isLive: isLive) == expected, "query #\(n)")
            #expect(loaded.index.count(query, isLive: isLive) == segment.index.count(query, isLive: isLive))
            #expect(loaded.index.matchingDocs(query) == segment.index.matchingDocs(query))
        }
    }

    @Test("an empty segment round-trips")
    func empty() throws {
        let segment = IndexBuilder.buildSegment(base: 42, docCount: 0) { _ in nil }
        let loaded = try IndexSegment(serialized: segment.serialized())
        #expect(loaded.docRange == 42..<42)
        #expect(loaded.index.termCount == 0)
        let results = loaded.index.search(try Query.parse("xin chào"), limit: 5, offset: 0, isLive: { _ in true })
        #expect(results.total == 0)
    }

    /// A few small reports: the serialized form stays around two kilobytes, so every offset is tried.
    static func smallSegment() -> IndexSegment {
        let texts = [
            "Giá vàng hôm nay\nGiá vàng trong nước tăng mạnh, thị trường sôi động hôm nay.",
            nil,
            "Bóng đá Việt Nam\nĐội tuyển thắng 2-0, người hâm mộ xuống đường ăn mừng.",
            "Thời tiết\nMiền Bắc có mưa rào và dông, vàng cảnh báo lũ quét.",
            "",
            "Kinh tế 2017\nTăng trưởng GDP đạt 6,7%; xuất khẩu nông sản tăng hòa nhịp.",
        ]
        return IndexBuilder.buildSegment(base: 3, docCount: texts.count) { texts[$0].map { Array($0.utf8) } }
    }

    static let probeQueries: [Query] = [
        "vàng", "\"giá vàng\"", "tăng -vàng", "title:bóng", "hoa*", "hòa OR mưa", "kinh tế 2017", "đa*",
    ].map { try! Query.parse($0, fold: $0.count % 2 == 0) }

    /// Loads `bytes`; when that succeeds, searches it every way a caller can. Returns the error code.
    static func loadAndProbe(_ bytes: [UInt8]) -> IndexFormatError.Code? {
        do {
            let segment = try IndexSegment(serialized: bytes)
            for query in probeQueries {
                _ = segment.index.search(query, limit: 10, offset: 0, isLive: { _ in true })
                _ = segment.index.count(query, isLive: { $0 % 2 == 0 })
                _ = segment.index.matchingDocs(query)
            }
            _ = SegmentedIndex(segments: [segment]).search(probeQueries[0], limit: 3, offset: 1, isLive: { _ in true })
            return nil
        } catch {
            return error.code
        }
    }

    @Test("every truncation is rejected")
    func truncation() {
        let bytes = Self.smallSegment().serialized()
        for length in 0..<bytes.count {
            #expect(Self.loadAndProbe(Array(bytes[..<length])) != nil, "length \(length)")
        }
        #expect(Self.loadAndProbe(bytes + [0]) == .trailingBytes)
        #expect(Self.loadAndProbe(bytes) == nil)
    }

    @Test("a flipped byte at any offset throws or loads into something searchable")
    func byteFlips() {
        let bytes = Self.smallSegment().serialized()
        var codes: [IndexFormatError.Code: Int] = [:]
        var loaded = 0
        for offset in bytes.indices {
            for mask: UInt8 in [0x01, 0x10, 0x80, 0xFF] {
                var damaged = bytes
                damaged[offset] ^= mask
                if let code = Self.loadAndProbe(damaged) { codes[code, default: 0] += 1 } else { loaded += 1 }
            }
        }
        // Without a checksum much damage stays loadable (a changed term spelling, base or length,
        // a posting that still decodes); what matters is that nothing trapped, and that the checks
        // behind each code fire somewhere.
        for code: IndexFormatError.Code in [.badMagic, .unsupportedVersion, .badLengths, .badDictionary, .badPosting] {
            #expect(codes[code, default: 0] > 0, "\(code) never thrown")
        }
        print("byte flips: \(loaded) loaded, \(codes)")
    }

    /// The bytes with the u32 header field at `field` (index of 4-byte word) set to `value`.
    static func withField(_ bytes: [UInt8], _ field: Int, _ value: UInt32) -> [UInt8] {
        var copy = bytes
        for i in 0..<4 { copy[4 * field + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        return copy
    }

    @Test("huge claimed counts are rejected before anything is allocated")
    func hugeCounts() {
        let bytes = Self.smallSegment().serialized()
        // doc slots (both counts), term count, entry bytes, posting bytes at UInt32.max.
        let slots = Self.withField(Self.withField(bytes, 4, .max), 5, .max)
        #expect(Self.loadAndProbe(slots) == .badHeader)  // base 3 + 2^32-1 slots passes UInt32
        let slotsAtZero = Self.withField(Self.withField(Self.withField(bytes, 2, 0), 4, .max - 1), 5, .max - 1)
        #expect(Self.loadAndProbe(slotsAtZero) == .truncated)
        #expect(Self.loadAndProbe(Self.withField(bytes, 6, .max)) == .badDictionary)
        #expect(Self.loadAndProbe(Self.withField(bytes, 7, .max)) == .truncated)
        #expect(Self.loadAndProbe(Self.withField(bytes, 8, .max)) == .truncated)
        #expect(Self.loadAndProbe(Self.withField(bytes, 3, .max)) == .badHeader)
    }
}
