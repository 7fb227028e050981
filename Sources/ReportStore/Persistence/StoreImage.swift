// StoreImage: the byte layout of a store in a snapshot, and its validating decoder.
//
//   store.meta          "RDSTORE1" | u32 slots | u32 live | u64 live raw bytes | u32 current codec |
//                       u32 level | u32 memLevel | u32 index segment count
//   store.dictionaries  u32 count, then per codec: u8 slot | u32 reports trained on (0xFFFFFFFF:
//                       for good) | u32 CRC-32 | u32 length | the preset dictionary; current last
//   store.entries       per doc slot: u32 unit length (0xFFFFFFFF: retired) | u32 text length |
//                       u32 crc32 | u8 codec slot
//   store.units       the live units back to back, in doc order
//   store.ids         per doc slot: u8 length (0: retired) | UTF-8 id
//   index.<n>         index segment n (ReportIndex's IndexSegment serialization)
//
// All integers little-endian. Doc numbers are kept as they are (retired slots included), so the
// index segments stay valid without renumbering. The sections come from a CRC-checked file, but
// decoding still checks every length and count against the bytes present and never traps.
// Stateless.
import ReportIndex
import ReportChecksum

/// Encoder/decoder of a store's snapshot sections.
enum StoreImage {
    static let magic = Array("RDSTORE1".utf8)
    static let retiredLength = UInt32.max

    static func encode(_ frozen: FrozenStore) -> [(name: String, bytes: [UInt8])] {
        let entries = frozen.arena.entries
        var table = [UInt8]()
        table.reserveCapacity(entries.count * 13)
        var units = [UInt8]()
        units.reserveCapacity(frozen.arena.liveCompressedBytes)
        for e in entries {
            if e.isLive {
                table.appendLE(e.length)
                units.append(contentsOf: frozen.arena.chunk(of: e).bytes(at: Int(e.offset), count: Int(e.length)))
            } else {
                table.appendLE(retiredLength)
            }
            table.appendLE(e.textLength)
            table.appendLE(e.crc)
            table.append(e.codec)
        }
        var ids = [UInt8]()
        ids.reserveCapacity(entries.count * 10)
        for id in frozen.ids {
            if let id {
                ids.append(UInt8(id.rawValue.utf8.count))
                ids.append(contentsOf: id.rawValue.utf8)
            } else {
                ids.append(0)
            }
        }
        let segments = frozen.index.sections()
        var dictionaries: [UInt8] = []
        let ordered = frozen.codecs.filter { $0.slot != frozen.current } + frozen.codecs.filter { $0.slot == frozen.current }
        dictionaries.appendLE(UInt32(ordered.count))
        for (slot, codec) in ordered {
            dictionaries.append(slot)
            dictionaries.appendLE(UInt32(clamping: codec.trainedOn))
            dictionaries.appendLE(codec.id)
            dictionaries.appendLE(UInt32(codec.dictionary.count))
            dictionaries += codec.dictionary
        }
        var meta = magic
        meta.appendLE(UInt32(entries.count))
        meta.appendLE(UInt32(frozen.arena.liveCount))
        meta.appendLE(UInt64(frozen.arena.liveRawBytes))
        meta.appendLE(UInt32(frozen.current))
        meta.appendLE(UInt32(frozen.level))
        meta.appendLE(UInt32(frozen.memLevel))
        meta.appendLE(UInt32(segments.count))
        return [
            ("store.meta", meta), ("store.dictionaries", dictionaries), ("store.entries", table),
            ("store.units", units), ("store.ids", ids),
        ] + segments
    }

    /// What `decode` hands to the store's initializer.
    struct Decoded {
        var codecs: [(slot: UInt8, dictionary: [UInt8], trainedOn: Int)]
        var arena: CompressedArena
        var ids: [ReportID?]
        var index: StoreIndexState
        var level: Int
        var memLevel: Int
    }

    static func decode(_ sections: [String: [UInt8]]) throws(StoreError) -> Decoded {
        func section(_ name: String) throws(StoreError) -> [UInt8] {
            guard let bytes = sections[name] else { throw corrupt("section \(name) is missing") }
            return bytes
        }
        var meta = LEReader(try section("store.meta"))
        guard meta.take(magic.count) == magic[...] else { throw corrupt("store.meta: bad magic") }
        guard let slots = meta.u32(), let live = meta.u32(), let liveRaw = meta.u64(), let current = meta.u32(),
            let level = meta.u32(), let memLevel = meta.u32(), let segmentCount = meta.u32(), meta.isAtEnd
        else { throw corrupt("store.meta: wrong length") }
        guard (0...9).contains(level), (1...9).contains(memLevel) else { throw corrupt("store.meta: bad zlib settings") }
        var dictionaryReader = LEReader(try section("store.dictionaries"))
        guard let codecCount = dictionaryReader.u32(), (1...255).contains(codecCount) else {
            throw corrupt("store.dictionaries: bad count")
        }
        var codecs: [(slot: UInt8, dictionary: [UInt8], trainedOn: Int)] = []
        for _ in 0..<codecCount {
            guard let slot = dictionaryReader.u8(), let trainedOn = dictionaryReader.u32(), let crc = dictionaryReader.u32(),
                let length = dictionaryReader.u32(), let bytes = dictionaryReader.take(Int(length))
            else { throw corrupt("store.dictionaries: ends inside a dictionary") }
            let dictionary = Array(bytes)
            guard Checksum.crc32(dictionary) == crc, !codecs.contains(where: { $0.slot == slot }) else {
                throw corrupt("store.dictionaries: dictionary \(slot) is damaged or repeated")
            }
            codecs.append((slot, dictionary, trainedOn == UInt32.max ? Int.max : Int(trainedOn)))
        }
        guard dictionaryReader.isAtEnd, codecs.last?.slot == UInt8(clamping: current), current <= 255 else {
            throw corrupt("store.dictionaries: the current dictionary is not last")
        }
        let known = Set(codecs.map(\.slot))

        var table = LEReader(try section("store.entries"))
        guard table.remaining == Int(slots) * 13 else { throw corrupt("store.entries: \(table.remaining) bytes for \(slots) slots") }
        let units = try section("store.units")
        var entries: [Entry] = []
        entries.reserveCapacity(Int(slots))
        var offset = 0
        var liveCount = 0
        var rawTotal: UInt64 = 0
        for _ in 0..<slots {
            let length = table.u32()!, textLength = table.u32()!, crc = table.u32()!, codec = table.u8()!
            if length == retiredLength {
                entries.append(Entry(chunk: Entry.retired, offset: 0, length: 0, textLength: textLength, crc: crc))
                continue
            }
            guard length <= units.count - offset else { throw corrupt("store.entries: units overrun store.units") }
            guard known.contains(codec) else { throw corrupt("store.entries: a unit names dictionary \(codec), which is not stored") }
            entries.append(Entry(chunk: 0, offset: UInt32(offset), length: length, textLength: textLength, crc: crc, codec: codec))
            offset += Int(length)
            liveCount += 1
            rawTotal += UInt64(textLength)
        }
        guard offset == units.count else { throw corrupt("store.units: \(units.count - offset) bytes no entry refers to") }
        guard liveCount == live, rawTotal == liveRaw else { throw corrupt("store.meta: live counts do not match the entries") }

        var idReader = LEReader(try section("store.ids"))
        var ids: [ReportID?] = []
        ids.reserveCapacity(Int(slots))
        var seen = Set<ReportID>(minimumCapacity: liveCount)
        for doc in 0..<Int(slots) {
            guard let length = idReader.u8(), let bytes = idReader.take(Int(length)) else {
                throw corrupt("store.ids: ends before slot \(doc)")
            }
            if length == 0 {
                guard !entries[doc].isLive else { throw corrupt("store.ids: live slot \(doc) has no id") }
                ids.append(nil)
                continue
            }
            guard entries[doc].isLive, let text = String(validating: bytes, as: UTF8.self), let id = ReportID(text),
                seen.insert(id).inserted
            else { throw corrupt("store.ids: slot \(doc) holds an invalid, duplicate or retired id") }
            ids.append(id)
        }
        guard idReader.isAtEnd else { throw corrupt("store.ids: bytes after the last slot") }

        let index = try StoreIndexState.decode(sections, segmentCount: Int(segmentCount), slots: Int(slots), liveDocs: liveCount)
        let chunk = ArenaChunk(capacity: units.count)
        units.withUnsafeBytes { _ = chunk.append($0) }
        return Decoded(
            codecs: codecs, arena: CompressedArena(chunks: [chunk], entries: entries), ids: ids, index: index,
            level: Int(level), memLevel: Int(memLevel))
    }

    static func corrupt(_ message: String) -> StoreError {
        StoreError(.corrupt, "snapshot: \(message)")
    }
}

extension [UInt8] {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// Bounds-checked little-endian reader over a byte array.
struct LEReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position == bytes.count }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func u8() -> UInt8? { take(1).map { $0.first! } }

    mutating func u32() -> UInt32? { integer() }

    mutating func u64() -> UInt64? { integer() }

    private mutating func integer<T: FixedWidthInteger>() -> T? {
        guard let slice = take(MemoryLayout<T>.size) else { return nil }
        return slice.reversed().reduce(T.zero) { $0 << 8 | T($1) }
    }
}
