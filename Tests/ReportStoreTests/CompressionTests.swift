// Round trips through Deflater and Inflater, and damaged units.
import Testing
@testable import ReportStore
import ReportChecksum

@Suite("Compression")
struct CompressionTests {
    static let dictionary = Array(
        (0..<40).flatMap { Fixtures.report(seed: UInt64($0)) }.suffix(32768))

    func roundTrip(_ text: [UInt8], dictionary: [UInt8]) throws -> (unit: [UInt8], back: [UInt8]) {
        let deflater = try Deflater(level: 9, memLevel: 9, dictionary: dictionary)
        let unit = try deflater.compress(text)
        let inflater = try Inflater(dictionary: dictionary)
        let back = try unit.withUnsafeBytes { u in
            try inflater.inflate(u, textLength: text.count, crc: Checksum.crc32(text))
        }
        return (unit, back)
    }

    @Test("random bytes come back unchanged, with and without a dictionary", arguments: [false, true])
    func randomBytes(withDictionary: Bool) throws {
        let text = Fixtures.randomBytes(10_000, seed: 7)
        let (_, back) = try roundTrip(text, dictionary: withDictionary ? Self.dictionary : [])
        #expect(back == text)
    }

    @Test("Vietnamese text comes back unchanged and the dictionary makes it smaller")
    func vietnamese() throws {
        let text = Fixtures.report(seed: 1_000)
        let plain = try roundTrip(text, dictionary: [])
        let primed = try roundTrip(text, dictionary: Self.dictionary)
        #expect(plain.back == text)
        #expect(primed.back == text)
        #expect(primed.unit.count < plain.unit.count)
    }

    @Test("an empty text is a valid, tiny unit")
    func empty() throws {
        let (unit, back) = try roundTrip([], dictionary: Self.dictionary)
        #expect(back.isEmpty)
        #expect(unit.count <= 4)
    }

    @Test("several megabytes round-trip")
    func large() throws {
        var text: [UInt8] = []
        var seed: UInt64 = 0
        while text.count < 5 << 20 {
            text += Fixtures.report(seed: seed, paragraphs: 20)
            seed += 1
        }
        text += Fixtures.randomBytes(100_000, seed: 3)
        let (unit, back) = try roundTrip(text, dictionary: Self.dictionary)
        #expect(back == text)
        #expect(unit.count < text.count / 2)
    }

    @Test("a flipped byte anywhere in a unit is reported as corrupt, never as a wrong text")
    func flippedByte() throws {
        let text = Fixtures.report(seed: 42)
        let deflater = try Deflater(level: 9, memLevel: 9, dictionary: Self.dictionary)
        let unit = try deflater.compress(text)
        let inflater = try Inflater(dictionary: Self.dictionary)
        let crc = Checksum.crc32(text)
        for position in stride(from: 0, to: unit.count, by: max(1, unit.count / 50)) {
            var damaged = unit
            damaged[position] ^= 0x10
            do {
                let back = try damaged.withUnsafeBytes { try inflater.inflate($0, textLength: text.count, crc: crc) }
                Issue.record("byte \(position) flipped but inflate returned \(back.count) bytes")
            } catch let error as StoreError {
                #expect(error.code == .corrupt)
            }
        }
        // The inflater is still usable after failures.
        let back = try unit.withUnsafeBytes { try inflater.inflate($0, textLength: text.count, crc: crc) }
        #expect(back == text)
    }

    @Test("a wrong recorded length is corrupt, both shorter and longer")
    func wrongLength() throws {
        let text = Fixtures.report(seed: 5)
        let (unit, _) = try roundTrip(text, dictionary: [])
        let inflater = try Inflater(dictionary: [])
        for length in [text.count - 1, text.count + 1, 0] {
            #expect(throws: StoreError.self) {
                try unit.withUnsafeBytes { try inflater.inflate($0, textLength: length, crc: Checksum.crc32(text)) }
            }
        }
    }

    @Test("a truncated unit is corrupt")
    func truncated() throws {
        let text = Fixtures.report(seed: 6)
        let (unit, _) = try roundTrip(text, dictionary: Self.dictionary)
        let inflater = try Inflater(dictionary: Self.dictionary)
        let error = #expect(throws: StoreError.self) {
            try Array(unit.dropLast(3)).withUnsafeBytes {
                try inflater.inflate($0, textLength: text.count, crc: Checksum.crc32(text))
            }
        }
        #expect(error?.code == .corrupt)
    }
}
