// Round trips through Deflater (zlib) and Inflater (ISA-L), damaged units, and the CRC-32 against
// zlib's own.
import CIsal
import CZlib
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

    /// Expects `unit`, inflated as `text` (its length and CRC-32), to be reported as corrupt.
    func expectCorrupt(_ unit: [UInt8], as text: [UInt8], by inflater: Inflater, _ comment: Comment? = nil) {
        let error = #expect(throws: StoreError.self, comment) {
            try unit.withUnsafeBytes { try inflater.inflate($0, textLength: text.count, crc: Checksum.crc32(text)) }
        }
        #expect(error?.code == .corrupt, comment)
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
        expectCorrupt(Array(unit.dropLast(3)), as: text, by: try Inflater(dictionary: Self.dictionary))
    }

    @Test("bytes after the end of a unit's stream make it corrupt")
    func trailingBytes() throws {
        let text = Fixtures.report(seed: 8)
        let (unit, _) = try roundTrip(text, dictionary: Self.dictionary)
        let inflater = try Inflater(dictionary: Self.dictionary)
        for extra in [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 100] {
            expectCorrupt(unit + [UInt8](repeating: 0x5A, count: extra), as: text, by: inflater, "\(extra) bytes")
        }
    }

    @Test("a unit inflated with another dictionary is corrupt, never another text")
    func wrongDictionary() throws {
        let text = Fixtures.report(seed: 9)
        let (unit, _) = try roundTrip(text, dictionary: Self.dictionary)
        expectCorrupt(unit, as: text, by: try Inflater(dictionary: Array(Self.dictionary.reversed())))
    }

    @Test("a unit too long for the caller's buffer is corrupt, even with no slack past the text")
    func exactBuffer() throws {
        let text = Fixtures.report(seed: 10)
        let (unit, _) = try roundTrip(text, dictionary: Self.dictionary)
        let inflater = try Inflater(dictionary: Self.dictionary)
        var out = [UInt8](repeating: 0, count: text.count - 1)
        let error = #expect(throws: StoreError.self) {
            try unit.withUnsafeBytes { u in
                try out.withUnsafeMutableBytes { try inflater.inflate(u, into: $0, textLength: text.count - 1, crc: nil) }
            }
        }
        #expect(error?.code == .corrupt)
        out = [UInt8](repeating: 0, count: text.count)
        try unit.withUnsafeBytes { u in
            try out.withUnsafeMutableBytes { try inflater.inflate(u, into: $0, textLength: text.count, crc: Checksum.crc32(text)) }
        }
        #expect(out == text)
    }

    @Test("the CRC-32 is zlib's: the check value, every short length and offset, and long buffers")
    func crcIsZlibs() {
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.crc32([]) == 0)
        let bytes = Fixtures.randomBytes(70_000, seed: 11)
        bytes.withUnsafeBytes { all in
            func zlib(_ b: UnsafeRawBufferPointer) -> UInt32 {
                UInt32(CZlib.crc32(0, b.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(b.count)))
            }
            for offset in 0..<8 {
                for length in 0...300 {
                    let b = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    #expect(Checksum.crc32(b) == zlib(b), "offset \(offset) length \(length)")
                }
            }
            for length in [4_096, 65_537, 69_999] {
                let b = UnsafeRawBufferPointer(rebasing: all[1..<(1 + length)])
                #expect(Checksum.crc32(b) == zlib(b), "length \(length)")
            }
        }
    }

    @Test(
        "CRC-32 and inflate leave the vector registers' upper halves clean (Swift's SSE math slows sixfold otherwise)",
        .enabled(if: reportd_isal_upper_state_dirty() >= 0, "the CPU reports its vector state (x86-64, XGETBV with ECX=1)"))
    func cleanVectorState() throws {
        let text = Fixtures.report(seed: 12, paragraphs: 20)
        // The control: called directly, ISA-L leaves the state dirty where its AVX code runs (on this
        // project's machines; a CPU on which it runs SSE code has nothing to clear), and clearing
        // it is seen.
        text.withUnsafeBufferPointer { b in _ = crc32_gzip_refl(0, b.baseAddress, UInt64(b.count)) }
        reportd_isal_clear_upper()
        #expect(reportd_isal_upper_state_dirty() == 0, "after clearing")
        _ = Checksum.crc32(text)
        #expect(reportd_isal_upper_state_dirty() == 0, "after Checksum.crc32")
        let (unit, _) = try roundTrip(text, dictionary: Self.dictionary)
        let inflater = try Inflater(dictionary: Self.dictionary)
        _ = try unit.withUnsafeBytes { try inflater.inflate($0, textLength: text.count, crc: nil) }
        #expect(reportd_isal_upper_state_dirty() == 0, "after Inflater.inflate")
    }

    @Test("one inflater across damaged, truncated, too-long, short and large units still inflates every sound unit to its text (the dictionary it keeps in place is never stale)")
    func dictionaryKeptAcrossFailures() throws {
        for dictionary in [Self.dictionary, Array(Self.dictionary.prefix(1_000)), Array(Self.dictionary.prefix(20_000))] {
            try keptDictionary(dictionary)
        }
    }

    func keptDictionary(_ dictionary: [UInt8]) throws {
        let deflater = try Deflater(level: 9, memLevel: 9, dictionary: dictionary)
        var texts: [[UInt8]] = (0..<6).map { Fixtures.report(seed: UInt64(100 + $0)) }
        let long = Fixtures.report(seed: 200, paragraphs: 120)
        let longer = Fixtures.report(seed: 201, paragraphs: 260)
        try #require(long.count > 32_768 && longer.count > 65_536, "past ISA-L's 32 KiB history and its 64 KiB buffer")
        texts += [long, longer]
        texts.append(Array(dictionary.suffix(3_000)))  // back-references into the dictionary
        texts.append(Fixtures.randomBytes(5_000, seed: 13))  // stored blocks
        let units = try texts.map { try deflater.compress($0) }
        let inflater = try Inflater(dictionary: dictionary)
        func sound(_ k: Int, _ step: String) throws {
            // No CRC: a stale dictionary would show as a wrong text, not be caught as corrupt.
            let back = try units[k].withUnsafeBytes { try inflater.inflate($0, textLength: texts[k].count, crc: nil) }
            let same = back == texts[k]  // (a Bool, so a failure does not print both texts)
            #expect(same, "unit \(k) after \(step)")
        }
        for k in texts.indices {
            try sound(k, "a sound unit")
            let unit = units[k], length = texts[k].count
            let damaged: [(String, [UInt8], Int)] = [
                ("a truncated unit", Array(unit.prefix(unit.count * 2 / 3)), length),
                ("a unit longer than its length", unit, length - 1),
                ("a flipped byte", unit.enumerated().map { $0.offset == unit.count / 2 ? $0.element ^ 0x20 : $0.element }, length),
                ("trailing bytes", unit + [UInt8](repeating: 0, count: 12), length),
                ("an empty unit", [], length),
            ]
            for (step, bytes, claimed) in damaged {
                _ = try? bytes.withUnsafeBytes { try inflater.inflate($0, textLength: claimed, crc: nil) }
                for j in [k, (k + 1) % texts.count, texts.count - 1] { try sound(j, step) }
            }
            // Into a buffer of exactly the text's size (a GET's answer buffer has slack; this has none).
            var out = [UInt8](repeating: 0, count: length)
            try unit.withUnsafeBytes { u in
                try out.withUnsafeMutableBytes { try inflater.inflate(u, into: $0, textLength: length, crc: nil) }
            }
            let same = out == texts[k]
            #expect(same, "unit \(k) into an exact buffer")
        }
    }
}
