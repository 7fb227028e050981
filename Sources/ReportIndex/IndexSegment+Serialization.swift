// IndexSegment+Serialization: a segment as one byte array (stored inside a CRC-checked snapshot)
// and back. All integers little-endian, fixed width:
//
// offset   +0            +1            +2            +3
//        +-------------+-------------+-------------+-------------+
//    0   | magic "RXSG"                                          |
//    4   | format version (u32) = 1                              |
//    8   | base: global doc number of local doc 0 (u32)          |
//   12   | documentCount (u32)                                   |
//   16   | docLengths count = doc slots (u32)                    |
//   20   | titleLengths count (u32), equal to the above          |
//   24   | term count (u32)                                      |
//   28   | dictionary entry bytes E (u32)                        |
//   32   | posting bytes P (u32), including the 8 zero padding   |
//        +-------------+-------------+-------------+-------------+
//   36   docLengths (u32 each) | titleLengths (u32 each) | entries (E) | postings (P) | end
//
// The entries are TermDictionary's own bytes and the postings PostingCodec's, stored as they are,
// so loading is a few array copies; the dictionary samples and avgdl are recomputed.
// Invariant: the decoder never traps and never allocates more than the input could fill: every
// count is checked against the bytes present before anything is sized, and whatever it accepts is
// safe to search (dictionary walked, every posting checked by PostingCodec.validate, lengths in
// range), or it throws IndexFormatError. Stateless; safe to call concurrently.
import Dispatch

extension IndexSegment {
    static let magic: [UInt8] = Array("RXSG".utf8)
    static let formatVersion: UInt32 = 1
    static let headerSize = 36
    /// Longest doc a loaded segment may claim, in tokens (2^29 - 1): doc + (titleWeight - 1) × title
    /// (title <= doc) stays inside UInt32 where BM25 adds them, and a tf below 2^29 lets
    /// PostingCodec.validate read each gamma code from one window. Real reports are far below it.
    static let maxLoadedDocLength: UInt32 = (1 << 29) - 1

    /// The segment as bytes for `init(serialized:)` (layout in this file's header).
    public func serialized() -> [UInt8] {
        let index = self.index
        let entries = index.dictionary.entryBytes
        let slots = index.docSlots
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + 8 * slots + entries.count + index.postings.count)
        bytes.append(contentsOf: Self.magic)
        for field in [
            Self.formatVersion, base, UInt32(index.documentCount), UInt32(slots), UInt32(index.titleLengths.count),
            UInt32(index.termCount), UInt32(entries.count), UInt32(index.postings.count),
        ] {
            Self.appendLittleEndian(field, to: &bytes)
        }
        Self.appendLittleEndian(index.docLengths, to: &bytes)
        Self.appendLittleEndian(index.titleLengths, to: &bytes)
        bytes.append(contentsOf: entries)
        bytes.append(contentsOf: index.postings)
        return bytes
    }

    /// Loads a segment written by `serialized()`.
    /// - Throws: `IndexFormatError` when the bytes are not a complete, consistent segment of this
    ///   format version; nothing larger than the input is allocated first.
    public init(serialized bytes: [UInt8]) throws(IndexFormatError) {
        guard bytes.count >= Self.headerSize else {
            throw IndexFormatError(.truncated, "\(bytes.count) bytes, shorter than the \(Self.headerSize)-byte header")
        }
        guard bytes[0..<4].elementsEqual(Self.magic) else {
            throw IndexFormatError(.badMagic, "not a serialized index segment")
        }
        let field: (Int) -> UInt32 = { Self.readLittleEndian(bytes, at: 4 * $0) }
        let version = field(1)
        guard version == Self.formatVersion else {
            throw IndexFormatError(
                .unsupportedVersion, "format version \(version), expected \(Self.formatVersion)", offset: 4)
        }
        let base = field(2)
        let documentCount = Int(field(3))
        let slots = Int(field(4))
        let titleCount = Int(field(5))
        let termCount = Int(field(6))
        let entryCount = Int(field(7))
        let postingCount = Int(field(8))
        guard UInt64(base) + UInt64(slots) <= UInt64(UInt32.max) else {
            throw IndexFormatError(.badHeader, "doc range \(base) + \(slots) passes UInt32", offset: 8)
        }
        guard documentCount <= slots else {
            throw IndexFormatError(.badHeader, "\(documentCount) documents in \(slots) slots", offset: 12)
        }
        guard titleCount == slots else {
            throw IndexFormatError(.badLengths, "\(slots) doc lengths but \(titleCount) title lengths", offset: 20)
        }
        guard postingCount >= 8 else {
            throw IndexFormatError(.badHeader, "posting buffer of \(postingCount) bytes lacks its padding", offset: 32)
        }
        // Each count is below 2^32, so the sum cannot overflow Int; compare it before allocating.
        let lengthsAt = Self.headerSize
        let entriesAt = lengthsAt + 8 * slots
        let postingsAt = entriesAt + entryCount
        let end = postingsAt + postingCount
        guard end <= bytes.count else {
            throw IndexFormatError(
                .truncated, "header announces \(end) bytes, input has \(bytes.count)", offset: bytes.count)
        }
        guard end == bytes.count else {
            throw IndexFormatError(.trailingBytes, "\(bytes.count - end) bytes after the postings", offset: end)
        }

        let docLengths = Self.readLittleEndian(bytes, at: lengthsAt, count: slots)
        let titleLengths = Self.readLittleEndian(bytes, at: lengthsAt + 4 * slots, count: slots)
        var nonEmpty = 0
        for d in 0..<slots {
            let length = docLengths[d]
            guard titleLengths[d] <= length, length <= Self.maxLoadedDocLength else {
                throw IndexFormatError(
                    .badLengths, "slot \(d): doc length \(length), title length \(titleLengths[d])",
                    offset: lengthsAt + 4 * d)
            }
            if length > 0 { nonEmpty += 1 }
        }
        // Docs holding a token are documents; BM25's idf relies on df <= N.
        guard nonEmpty <= documentCount else {
            throw IndexFormatError(.badHeader, "\(nonEmpty) non-empty slots but \(documentCount) documents", offset: 12)
        }
        let postings = Array(bytes[postingsAt..<end])
        guard postings[(postingCount - 8)...].allSatisfy({ $0 == 0 }) else {
            throw IndexFormatError(.badPosting, "posting padding is not zero", offset: end - 8)
        }
        let dictionary = try TermDictionary(
            entries: Array(bytes[entriesAt..<postingsAt]), count: termCount, postingByteCount: postingCount - 8,
            sectionOffset: entriesAt)
        if let bad = Self.firstInvalidPosting(dictionary: dictionary, postings: postings, docLengths: docLengths) {
            throw IndexFormatError(
                .badPosting, "posting of term \(bad.term) does not decode", offset: postingsAt + bad.offset)
        }
        let index = SearchIndex(
            dictionary: dictionary, postings: postings, docLengths: docLengths, titleLengths: titleLengths,
            docCount: documentCount,
            averageWeightedLength: SearchIndex.averageWeightedLength(
                docLengths: docLengths, titleLengths: titleLengths, documentCount: documentCount))
        self.init(base: base, index: index)
    }

    /// The first term whose posting fails PostingCodec.validate, or nil when all pass and their
    /// positions add up to at most Int32.max (QueryEvaluator counts positions in Int32). Term
    /// ranges are checked on all cores.
    private static func firstInvalidPosting(
        dictionary: TermDictionary, postings: [UInt8], docLengths: [UInt32]
    ) -> (term: Int, offset: Int)? {
        let termCount = dictionary.count
        guard termCount > 0 else { return nil }
        let partCount = min(termCount, 64)
        // Per part: the first bad term id (or -1), and the positions counted.
        let results = WorkerResults(repeating: (bad: -1, positions: 0), count: partCount)
        DispatchQueue.concurrentPerform(iterations: partCount) { p in
            let range = (termCount * p / partCount)..<(termCount * (p + 1) / partCount)
            var total = 0
            var bad = -1
            postings.withUnsafeBufferPointer { postingBuffer in
                docLengths.withUnsafeBufferPointer { lengthBuffer in
                    dictionary.forEach(in: range) { entry in
                        guard bad < 0 else { return }
                        let count = PostingCodec.validate(
                            postingBuffer.baseAddress!, range: entry.postingOffset..<entry.nextPosting,
                            docSlots: lengthBuffer.count, docLengths: lengthBuffer)
                        if let count { total += count } else { bad = entry.id }
                    }
                }
            }
            results.set(p, (bad, total))
        }
        let firstBad = results.values.map(\.bad)
        let positions = results.values.map(\.positions)
        if let bad = firstBad.first(where: { $0 >= 0 }) {
            return (bad, dictionary.entry(bad).postingOffset)
        }
        if positions.reduce(0, +) > Int(Int32.max) {
            return (termCount - 1, dictionary.entry(termCount - 1).postingOffset)
        }
        return nil
    }

    // MARK: Little-endian integers

    private static func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func appendLittleEndian(_ values: [UInt32], to bytes: inout [UInt8]) {
        #if _endian(little)
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
            for value in values { appendLittleEndian(value, to: &bytes) }
        #endif
    }

    private static func readLittleEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    /// `count` u32s at `offset`; the caller has checked that they lie inside `bytes`.
    private static func readLittleEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 4 * count)]))
            }
            #if !_endian(little)
                for i in 0..<count { buffer[i] = UInt32(littleEndian: buffer[i]) }
            #endif
            initialized = count
        }
    }
}
