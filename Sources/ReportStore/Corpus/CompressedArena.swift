// CompressedArena: the store's compressed bytes and its per-doc entry table.
//
//   entries[doc] = (chunk, offset, length, textLength, crc32, codec)   24 bytes a report
//   chunks[c]    = ArenaChunk: units back to back
//
// Invariant: a live entry points at `length` bytes of an existing chunk; a retired entry has
// chunk == Entry.retired. Doc numbers are indices into `entries` and are never reused.
// A value type inside each CorpusVersion: the entry table is a ChunkedArray, so the copy the
// writer changes for the next version shares all but one chunk with the published one. Only
// the store's writer (holding its write lock) changes it or appends units to its chunks;
// compaction builds a copy off the lock (`compacted`) that the writer then `adopt`s.

/// Where one report's unit lives.
struct Entry: Sendable {
    static let retired = UInt32.max
    var chunk: UInt32
    var offset: UInt32
    var length: UInt32
    var textLength: UInt32
    var crc: UInt32
    /// The store's codec slot whose dictionary the unit was made with.
    var codec: UInt8 = 0

    var isLive: Bool { chunk != Entry.retired }
}

/// Chunks plus entry table, with running totals for statistics.
struct CompressedArena: Sendable {
    /// New chunks for put() get at least this many bytes.
    static let writeChunkSize = 1 << 20
    /// No chunk grows past this, so offsets fit in UInt32.
    static let maxChunkSize = 1 << 31

    private(set) var chunks: [ArenaChunk] = []
    private(set) var entries = ChunkedArray<Entry>()
    private(set) var liveCount = 0
    private(set) var liveRawBytes = 0
    private(set) var liveCompressedBytes = 0
    private(set) var garbageBytes = 0

    init() {}

    /// Adopts chunks and entries built by the importer.
    init(chunks: [ArenaChunk], entries: [Entry]) {
        self.chunks = chunks
        self.entries = ChunkedArray(entries)
        for e in entries where e.isLive {
            liveCount += 1
            liveRawBytes += Int(e.textLength)
            liveCompressedBytes += Int(e.length)
        }
    }

    var capacityBytes: Int { chunks.reduce(0) { $0 + $1.capacity } }

    func entry(_ doc: UInt32) -> Entry? {
        guard Int(doc) < entries.count, entries[Int(doc)].isLive else { return nil }
        return entries[Int(doc)]
    }

    func chunk(of e: Entry) -> ArenaChunk { chunks[Int(e.chunk)] }

    /// Stores a unit under a new doc number and returns it.
    mutating func append(unit: [UInt8], textLength: Int, crc: UInt32, codec: UInt8) -> UInt32 {
        let (c, offset) = store(unit)
        entries.append(
            Entry(chunk: UInt32(c), offset: UInt32(offset), length: UInt32(unit.count),
                  textLength: UInt32(textLength), crc: crc, codec: codec))
        liveCount += 1
        liveRawBytes += textLength
        liveCompressedBytes += unit.count
        return UInt32(entries.count - 1)
    }

    /// Replaces a live doc's unit by the same text compressed with another codec; the old
    /// bytes become garbage. The doc number and text do not change.
    mutating func recompress(_ doc: UInt32, unit: [UInt8], codec: UInt8) {
        guard let old = entry(doc) else { return }
        let (c, offset) = store(unit)
        entries[Int(doc)] = Entry(
            chunk: UInt32(c), offset: UInt32(offset), length: UInt32(unit.count), textLength: old.textLength,
            crc: old.crc, codec: codec)
        liveCompressedBytes += unit.count - Int(old.length)
        garbageBytes += Int(old.length)
    }

    /// Copies `unit` into the write chunk (a new one when it does not fit).
    private mutating func store(_ unit: [UInt8]) -> (chunk: Int, offset: Int) {
        unit.withUnsafeBytes { store($0) }
    }

    /// Copies `unit` into the write chunk (a new one when it does not fit).
    private mutating func store(_ unit: UnsafeRawBufferPointer) -> (chunk: Int, offset: Int) {
        if chunks.last.map({ $0.free < unit.count }) ?? true {
            chunks.append(ArenaChunk(capacity: max(Self.writeChunkSize, unit.count)))
        }
        let c = chunks.count - 1
        return (c, chunks[c].append(unit))
    }

    /// Retires a doc number; its bytes become garbage.
    mutating func retire(_ doc: UInt32) {
        guard let e = entry(doc) else { return }
        entries[Int(doc)].chunk = Entry.retired
        liveCount -= 1
        liveRawBytes -= Int(e.textLength)
        liveCompressedBytes -= Int(e.length)
        garbageBytes += Int(e.length)
    }

    /// A copy holding only the live units, in new chunks (doc numbers unchanged); `self` is not
    /// changed, so this runs off the write lock on a published version's arena.
    func compacted() -> CompressedArena {
        var copy = self
        copy.compact()
        return copy
    }

    /// Takes the compacted copy `compacted` made of `original` (an earlier value of this arena):
    /// every entry unchanged since `original` moves to its copy; the units of entries changed or
    /// added since (the writes made while the copy was built: few) are copied after it, so no
    /// old chunk, nor its garbage, is kept. O(entries) plus those few units.
    mutating func adopt(_ compacted: CompressedArena, basedOn original: CompressedArena) {
        let oldChunks = chunks
        var newEntries = entries
        var changed: [Int] = []
        for doc in entries.indices where entries[doc].isLive {
            let e = entries[doc]
            if doc < original.entries.count {
                let o = original.entries[doc]
                if o.isLive, original.chunks[Int(o.chunk)] === oldChunks[Int(e.chunk)], o.offset == e.offset,
                    o.codec == e.codec, o.length == e.length
                {
                    newEntries[doc] = compacted.entries[doc]
                    continue
                }
            }
            changed.append(doc)
        }
        chunks = compacted.chunks
        entries = newEntries
        for doc in changed {
            let e = entries[doc]
            let (c, offset) = store(oldChunks[Int(e.chunk)].bytes(at: Int(e.offset), count: Int(e.length)))
            entries[doc].chunk = UInt32(c)
            entries[doc].offset = UInt32(offset)
        }
        garbageBytes = chunks.reduce(0) { $0 + $1.used } - liveCompressedBytes
    }

    /// Copies the live units into one new chunk (doc numbers unchanged) and drops the old
    /// chunks; readers that still hold an old chunk keep it alive until they finish.
    mutating func compact() {
        var fresh: [ArenaChunk] = []
        var remaining = liveCompressedBytes
        var newEntries = entries
        for (doc, e) in entries.enumerated() where e.isLive {
            if fresh.last.map({ $0.free < Int(e.length) }) ?? true {
                fresh.append(ArenaChunk(capacity: min(max(remaining, Int(e.length)), Self.maxChunkSize)))
            }
            let offset = fresh[fresh.count - 1].append(
                chunks[Int(e.chunk)].bytes(at: Int(e.offset), count: Int(e.length)))
            remaining -= Int(e.length)
            newEntries[doc].chunk = UInt32(fresh.count - 1)
            newEntries[doc].offset = UInt32(offset)
        }
        chunks = fresh
        entries = newEntries
        garbageBytes = 0
    }
}
