// TermDictionary: the sorted term dictionary in one byte buffer, with sparse samples.
//
//   entries  := entry*                 terms in (folded, term) UTF-8 byte order
//   entry    := varint(termLength) termBytes varint(postingByteLength)
//   samples  := every 32nd term: (entry offset, posting offset)
//
// Term `id` is found by starting at sample id/32 and skipping at most 31 entries. Keeping lengths
// instead of absolute offsets costs ~2.5 bytes per term instead of 8 (on the dev corpus ~280 KB in
// place of ~460 KB for bytes + two UInt32 offset arrays). Invariant: posting offsets rebuilt from
// the lengths equal the builder's offsets; a dictionary loaded from serialized entries has been
// checked to satisfy it (see init(entries:count:postingByteCount:sectionOffset:)).
// Immutable; Sendable; safe to read concurrently.

/// Compact sorted term dictionary mapping term ids to their spelling and posting offset.
struct TermDictionary: Sendable {
    static let sampleInterval = 32

    private let entries: [UInt8]
    private let entrySamples: [UInt32]
    private let postingSamples: [UInt32]
    /// Number of terms.
    let count: Int

    /// One decoded entry: where its term bytes lie in `entries`, and its posting list.
    struct Entry {
        let id: Int
        let term: Range<Int>
        let postingOffset: Int
        let nextEntry: Int
        let nextPosting: Int
    }

    /// - Parameters:
    ///   - terms: Sorted terms.
    ///   - postingOffsets: terms.count + 1 ascending byte offsets into the posting buffer.
    init(terms: [[UInt8]], postingOffsets: [UInt32]) {
        var bytes: [UInt8] = []
        var entrySamples: [UInt32] = []
        var postingSamples: [UInt32] = []
        for (id, term) in terms.enumerated() {
            if id % Self.sampleInterval == 0 {
                entrySamples.append(UInt32(bytes.count))
                postingSamples.append(postingOffsets[id])
            }
            Self.appendVarint(term.count, to: &bytes)
            bytes.append(contentsOf: term)
            Self.appendVarint(Int(postingOffsets[id + 1] - postingOffsets[id]), to: &bytes)
        }
        self.entries = bytes
        self.entrySamples = entrySamples
        self.postingSamples = postingSamples
        self.count = terms.count
    }

    /// Rebuilds a dictionary from its serialized `entries` (the layout above), checking every entry
    /// before the samples are taken from them: varints inside the bytes, term bytes inside the bytes,
    /// each posting at least one byte, the posting lengths adding up to exactly `postingByteCount`,
    /// exactly `count` entries and no byte after the last. Term order is not checked: unsorted terms
    /// would only give wrong answers, and checking it would fold every term at load.
    /// - Parameters:
    ///   - entries: Serialized entry bytes.
    ///   - count: Number of terms the header announces.
    ///   - postingByteCount: Bytes of the posting buffer without its padding.
    ///   - sectionOffset: Offset of `entries` in the serialized input, for error offsets.
    /// - Throws: `IndexFormatError` with code `.badDictionary`.
    init(entries: [UInt8], count: Int, postingByteCount: Int, sectionOffset: Int) throws(IndexFormatError) {
        // Every entry takes at least two bytes: reject an absurd count before sizing the samples.
        guard count >= 0, count <= entries.count / 2 else {
            throw IndexFormatError(
                .badDictionary, "\(count) terms cannot fit in \(entries.count) entry bytes", offset: sectionOffset)
        }
        var entrySamples: [UInt32] = []
        var postingSamples: [UInt32] = []
        entrySamples.reserveCapacity((count + Self.sampleInterval - 1) / Self.sampleInterval)
        postingSamples.reserveCapacity(entrySamples.capacity)
        var cursor = 0
        var posting = 0
        let failure: (String, Int) -> IndexFormatError = {
            IndexFormatError(.badDictionary, $0, offset: sectionOffset + $1)
        }
        let problem: (String, Int)? = entries.withUnsafeBufferPointer { bytes in
            for id in 0..<count {
                if id % Self.sampleInterval == 0 {
                    entrySamples.append(UInt32(cursor))
                    postingSamples.append(UInt32(posting))
                }
                let start = cursor
                guard let length = Self.readCheckedVarint(bytes, &cursor), length <= bytes.count - cursor else {
                    return ("term \(id): bad term length", start)
                }
                cursor += length
                guard let postingLength = Self.readCheckedVarint(bytes, &cursor), postingLength >= 1,
                    postingLength <= postingByteCount - posting
                else {
                    return ("term \(id): posting length outside the posting buffer", start)
                }
                posting += postingLength
            }
            return nil
        }
        if let (message, offset) = problem { throw failure(message, offset) }
        guard cursor == entries.count else { throw failure("bytes after term \(count)", cursor) }
        guard posting == postingByteCount else {
            throw failure("postings cover \(posting) of \(postingByteCount) bytes", cursor)
        }
        self.entries = entries
        self.entrySamples = entrySamples
        self.postingSamples = postingSamples
        self.count = count
    }

    /// The serialized entries (the layout above), as `init(entries:count:postingByteCount:sectionOffset:)` reads them.
    var entryBytes: [UInt8] { entries }

    /// A LEB128 varint of at most 9 bytes (so it fits a positive Int) inside `bytes`, or nil.
    private static func readCheckedVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ cursor: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while cursor < bytes.count && shift < 63 {
            let byte = bytes[cursor]
            cursor += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// Bytes held (capacities).
    var byteCount: Int { entries.capacity + entrySamples.capacity * 4 + postingSamples.capacity * 4 }

    /// The entry of term `id`.
    func entry(_ id: Int) -> Entry {
        let sample = id / Self.sampleInterval
        var current = decode(id: sample * Self.sampleInterval, at: Int(entrySamples[sample]), posting: Int(postingSamples[sample]))
        while current.id < id { current = next(current) }
        return current
    }

    /// The entry after `entry` (which must not be the last).
    func next(_ entry: Entry) -> Entry {
        decode(id: entry.id + 1, at: entry.nextEntry, posting: entry.nextPosting)
    }

    /// Term bytes of an entry.
    func term(_ entry: Entry) -> ArraySlice<UInt8> {
        entries[entry.term]
    }

    /// Calls `body` for each id in `range`, in order, walking the entries sequentially.
    func forEach(in range: Range<Int>, _ body: (Entry) -> Void) {
        guard !range.isEmpty else { return }
        var current = entry(range.lowerBound)
        while true {
            body(current)
            if current.id + 1 >= range.upperBound { break }
            current = next(current)
        }
    }

    private func decode(id: Int, at offset: Int, posting: Int) -> Entry {
        var cursor = offset
        let length = readVarint(&cursor)
        let term = cursor..<(cursor + length)
        cursor += length
        let postingLength = readVarint(&cursor)
        return Entry(id: id, term: term, postingOffset: posting, nextEntry: cursor, nextPosting: posting + postingLength)
    }

    private func readVarint(_ cursor: inout Int) -> Int {
        var value = 0
        var shift = 0
        while true {
            let byte = entries[cursor]
            cursor += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    private static func appendVarint(_ value: Int, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
