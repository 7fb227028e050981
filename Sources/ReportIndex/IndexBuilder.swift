// IndexBuilder: collects report texts and builds the immutable SearchIndex in parallel:
//   1. docs are cut into contiguous chunks; each chunk is tokenised on its own thread into a local
//      term table and an occurrence list, counting-sorted by local term (stable: doc, position order);
//   2. the chunk term tables are merged and sorted by (folded, term) bytes -> global term ids;
//   3. term ranges are encoded on separate threads (PostingEncoder, shared with SegmentMerger) and
//      concatenated.
// Invariant: doc numbers are unique (a repeated number keeps the text added last); positions
// 0..<titleLength are the title's tokens; a slot with no text (a gap, or nil from `buildSegment`)
// has length 0 and is not counted as a document. A builder value is used from one thread; `build` itself
// fans out internally and the `text` closure of the bulk entry point is called concurrently.
import Dispatch
import Foundation

/// Accumulates reports, then builds a `SearchIndex`.
public struct IndexBuilder {
    private var entries: [(doc: UInt32, text: [UInt8])] = []

    /// Creates an empty builder.
    public init() {}

    /// Adds a report's text (UTF-8) under its dense doc number.
    public mutating func add(doc: UInt32, text: [UInt8]) {
        entries.append((doc, text))
    }

    /// Builds the index of everything added so far.
    public func build() -> SearchIndex {
        // Stable sort by doc so that a repeated doc number keeps the last text added.
        var latest: [UInt32: Int] = [:]
        for (i, entry) in entries.enumerated() { latest[entry.doc] = i }
        let order = latest.values.sorted { entries[$0].doc < entries[$1].doc }
        let snapshot = entries
        let docSlots = order.last.map { Int(snapshot[$0].doc) + 1 } ?? 0
        return Self.assemble(
            count: order.count, docSlots: docSlots, doc: { snapshot[order[$0]].doc },
            text: { snapshot[order[$0]].text })
    }

    /// Builds an index of docs 0..<docCount in parallel; `text(i)` is called once per doc, from
    /// several threads at once, and must be safe to call concurrently.
    public static func build(docCount: Int, text: @Sendable (Int) -> [UInt8]) -> SearchIndex {
        assemble(count: docCount, docSlots: docCount, doc: { UInt32($0) }, text: { text($0) })
    }

    /// Builds the segment of global docs base..<base+docCount in parallel, like `build(docCount:text:)`:
    /// local doc i is global doc base+i and `text(i)` is called once per local doc, concurrently.
    /// A nil text marks a dead slot (retired number): length 0, not indexed, not counted in
    /// `documentCount` nor in the average length.
    public static func buildSegment(base: UInt32, docCount: Int, text: @Sendable (Int) -> [UInt8]?) -> IndexSegment {
        IndexSegment(base: base, index: assemble(count: docCount, docSlots: docCount, doc: { UInt32($0) }, text: text))
    }

    /// One chunk's tokenisation result, made by one worker and read by all once they are done.
    struct Chunk: Sendable {
        var termIDs: [[UInt8]: Int32] = [:]
        var terms: [[UInt8]] = []
        var docFrequency: [Int32] = []
        /// Occurrences grouped by local term: termStart[t]..<termStart[t+1] index occDoc/occPosition.
        var termStart: [Int32] = []
        var occDoc: [UInt32] = []
        var occPosition: [UInt32] = []
        /// Per doc of the chunk whose text was not nil: its number, tokens and title tokens.
        var lengths: [(doc: UInt32, length: UInt32, title: UInt32)] = []
    }

    /// Builds an index of `docSlots` slots from `count` docs numbered ascending by `doc(i)`; a nil
    /// `text(i)` leaves its slot dead.
    static func assemble(
        count: Int, docSlots: Int, doc: @Sendable (Int) -> UInt32, text: @Sendable (Int) -> [UInt8]?
    ) -> SearchIndex {
        let chunkCount = max(1, min(count, 64))
        let tokenized = WorkerResults(repeating: Chunk(), count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
            let range = (count * c / chunkCount)..<(count * (c + 1) / chunkCount)
            tokenized.set(c, tokenize(range: range, doc: doc, text: text))
        }
        let chunks = tokenized.values
        var docLengths = [UInt32](repeating: 0, count: docSlots)
        var titleLengths = [UInt32](repeating: 0, count: docSlots)
        for chunk in chunks {
            for entry in chunk.lengths {
                docLengths[Int(entry.doc)] = entry.length
                titleLengths[Int(entry.doc)] = entry.title
            }
        }
        // Merge term tables, sort by (folded, term).
        var global: [[UInt8]: Int32] = [:]
        for chunk in chunks {
            for term in chunk.terms where global[term] == nil { global[term] = Int32(global.count) }
        }
        let unsorted = Array(global.keys)
        let keyed = unsorted.map { (folded: TextNormalizer.fold(utf8: $0), term: $0) }
        let sorted = keyed.sorted {
            $0.folded == $1.folded
                ? $0.term.lexicographicallyPrecedes($1.term) : $0.folded.lexicographicallyPrecedes($1.folded)
        }
        var termIndex: [[UInt8]: Int32] = [:]
        termIndex.reserveCapacity(sorted.count)
        for (i, entry) in sorted.enumerated() { termIndex[entry.term] = Int32(i) }
        let termCount = sorted.count
        // globalToLocal[c][g] = local id in chunk c, or -1.
        let globalToLocal: [[Int32]] = chunks.map { chunk in
            var map = [Int32](repeating: -1, count: termCount)
            for (local, term) in chunk.terms.enumerated() { map[Int(termIndex[term]!)] = Int32(local) }
            return map
        }
        // Encode term ranges in parallel.
        let partCount = max(1, min(termCount, 32))
        let parts = WorkerResults<(bytes: [UInt8], offsets: [UInt32])>(repeating: ([], []), count: partCount)
        let lengths = docLengths
        DispatchQueue.concurrentPerform(iterations: partCount) { p in
            let range = (termCount * p / partCount)..<(termCount * (p + 1) / partCount)
            var writer = BitWriter()
            var offsets: [UInt32] = []
            offsets.reserveCapacity(range.count)
            lengths.withUnsafeBufferPointer { lengths in
                for g in range {
                    offsets.append(UInt32(writer.bytes.count))
                    encode(term: g, chunks: chunks, globalToLocal: globalToLocal, docSlots: docSlots,
                           lengths: lengths, writer: &writer)
                }
            }
            parts.set(p, (writer.bytes, offsets))
        }
        let (postings, postingOffsets) = concatenate(parts.values.map { ($0.bytes, $0.offsets) })
        let dictionary = TermDictionary(terms: sorted.map(\.term), postingOffsets: postingOffsets)
        let docCount = chunks.reduce(0) { $0 + $1.lengths.count }
        return SearchIndex(
            dictionary: dictionary, postings: postings, docLengths: docLengths, titleLengths: titleLengths,
            docCount: docCount,
            averageWeightedLength: SearchIndex.averageWeightedLength(
                docLengths: docLengths, titleLengths: titleLengths, documentCount: docCount))
    }

    /// Joins postings encoded part by part (offsets relative to each part) into one buffer with the
    /// absolute offsets of every posting plus the end offset, and the 8 padding bytes BitReader needs.
    static func concatenate(_ parts: [(bytes: [UInt8], offsets: [UInt32])]) -> (postings: [UInt8], offsets: [UInt32]) {
        var postings: [UInt8] = []
        postings.reserveCapacity(parts.reduce(8) { $0 + $1.bytes.count })
        var postingOffsets: [UInt32] = []
        postingOffsets.reserveCapacity(parts.reduce(1) { $0 + $1.offsets.count })
        for part in parts {
            let base = UInt32(postings.count)
            for offset in part.offsets { postingOffsets.append(base + offset) }
            postings.append(contentsOf: part.bytes)
        }
        postingOffsets.append(UInt32(postings.count))
        // BitReader loads 8-byte windows: pad so the last one stays inside the buffer.
        postings.append(contentsOf: repeatElement(0, count: 8))
        return (postings, postingOffsets)
    }

    /// Tokenizes docs `range` (by `doc(i)`, `text(i)`) into one chunk.
    private static func tokenize(range: Range<Int>, doc: (Int) -> UInt32, text: (Int) -> [UInt8]?) -> Chunk {
        var chunk = Chunk()
        var scanner = Tokenizer.Scanner()
        var occTerm: [Int32] = []
        var occDoc: [UInt32] = []
        var occPosition: [UInt32] = []
        var lastDoc: [UInt32] = []
        for i in range {
            let number = doc(i)
            guard let bytes = text(i) else { continue }
            let titleEnd = TitleExtractor.split(bytes).title.upperBound
            var position: UInt32 = 0
            var titleLength: UInt32 = 0
            bytes.withUnsafeBufferPointer { buffer in
                scanner.scan(buffer) { term, byteRange in
                    let id: Int32
                    if let known = chunk.termIDs[term] {
                        id = known
                    } else {
                        id = Int32(chunk.terms.count)
                        chunk.termIDs[term] = id
                        chunk.terms.append(term)
                        chunk.docFrequency.append(0)
                        lastDoc.append(UInt32.max)
                    }
                    if lastDoc[Int(id)] != number {
                        lastDoc[Int(id)] = number
                        chunk.docFrequency[Int(id)] += 1
                    }
                    if byteRange.lowerBound < titleEnd { titleLength += 1 }
                    occTerm.append(id)
                    occDoc.append(number)
                    occPosition.append(position)
                    position += 1
                }
            }
            chunk.lengths.append((number, position, titleLength))
        }
        // Counting sort by local term; stable, so each term's occurrences stay in (doc, position) order.
        var start = [Int32](repeating: 0, count: chunk.terms.count + 1)
        for t in occTerm { start[Int(t) + 1] += 1 }
        for t in 0..<chunk.terms.count { start[t + 1] += start[t] }
        var cursor = start
        var sortedDoc = [UInt32](repeating: 0, count: occTerm.count)
        var sortedPosition = [UInt32](repeating: 0, count: occTerm.count)
        for (i, t) in occTerm.enumerated() {
            let slot = Int(cursor[Int(t)])
            cursor[Int(t)] += 1
            sortedDoc[slot] = occDoc[i]
            sortedPosition[slot] = occPosition[i]
        }
        chunk.termStart = start
        chunk.occDoc = sortedDoc
        chunk.occPosition = sortedPosition
        chunk.termIDs = [:]
        return chunk
    }

    private static func encode(
        term g: Int, chunks: [Chunk], globalToLocal: [[Int32]], docSlots: Int,
        lengths: UnsafeBufferPointer<UInt32>, writer: inout BitWriter
    ) {
        var df = 0
        for (c, chunk) in chunks.enumerated() {
            let local = globalToLocal[c][g]
            if local >= 0 { df += Int(chunk.docFrequency[Int(local)]) }
        }
        var encoder = PostingEncoder(documentFrequency: df, docSlots: docSlots, writer: &writer)
        for (c, chunk) in chunks.enumerated() {
            let local = globalToLocal[c][g]
            guard local >= 0 else { continue }
            let end = Int(chunk.termStart[Int(local) + 1])
            chunk.occPosition.withUnsafeBufferPointer { positions in
                var i = Int(chunk.termStart[Int(local)])
                while i < end {
                    let doc = chunk.occDoc[i]
                    var j = i
                    while j < end && chunk.occDoc[j] == doc { j += 1 }
                    encoder.append(
                        doc: Int(doc), positions: UnsafeBufferPointer(rebasing: positions[i..<j]),
                        docLength: Int(lengths[Int(doc)]), writer: &writer)
                    i = j
                }
            }
        }
        encoder.finish(writer: &writer)
    }
}
