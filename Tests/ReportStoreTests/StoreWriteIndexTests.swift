// The index follows writes: after any mix of puts, replacements and removals, search and
// count give exactly what a fresh import of the resulting reports gives; many small writes
// end up in few segments; and a frozen store restores (from its snapshot sections) to the
// same texts and the same answers, while damaged sections are refused, never trapped on.
import Foundation
import Testing
@testable import ReportStore

@Suite("ReportStore: index follows writes; snapshot sections round-trip")
struct StoreWriteIndexTests {
    func id(_ s: String) -> ReportID { ReportID(s)! }

    /// A text whose title carries a unique number, so queries can single reports out.
    func text(_ seed: UInt64, edition: Int = 0) -> [UInt8] {
        Array("Bản \(edition) ".utf8) + Fixtures.report(seed: seed, paragraphs: 1 + Int(seed % 3))
    }

    func jsonLines(_ reports: [String: [UInt8]]) throws -> [UInt8] {
        var data: [UInt8] = []
        for (key, value) in reports.sorted(by: { $0.key < $1.key }) {
            let object = ["id": key, "text": String(decoding: value, as: UTF8.self)]
            data += Array(try JSONSerialization.data(withJSONObject: object)) + [0x0A]
        }
        return data
    }

    static let queries = [
        "17", "số 23", "\"kẹt xe\"", "ket xe", "thà*", "\"ủy ban\" -17", "Bản 1", "bản 2 OR 31", "title:\"tin tức\" 8",
        "sốt -\"xuất huyết\"", "du khách", "lai suat", "\"Tin tức số 40\"", "ngập OR hoa", "title:5",
    ]

    /// Every matching id (all pages of the strict search), the count, and the ids of the best-match
    /// page (the strict ones plus those with some of the words), for one query.
    /// All three from one version: a background merge published between two calls would change
    /// the segments, and with them each segment's statistics and the order of equal-set pages.
    func answer(_ store: ReportStore, _ query: String) throws -> (Set<String>, Int, Set<String>) {
        let version = store.current
        store.willQuery(version)  // as store.search does: writes not yet indexed get flushed
        let page = try version.search(query, limit: 10_000, offset: 0, fold: false, allWords: true)
        #expect(page.total == page.hits.count)
        let best = try version.search(query, limit: 10_000, offset: 0, fold: false)
        #expect(best.total == page.total)
        #expect(best.hits.count >= page.hits.count)
        #expect(Array(best.hits.prefix(page.hits.count).map(\.id)) == page.hits.map(\.id), "query \(query)")
        return (Set(page.hits.map(\.id.rawValue)), try version.count(query, fold: false), Set(best.hits.map(\.id.rawValue)))
    }

    @Test("after puts, replacements and removals, search equals a fresh import of the result")
    func searchFollowsWrites() throws {
        var reports: [String: [UInt8]] = [:]
        for i in 0..<60 { reports["r\(i)"] = text(UInt64(i)) }
        let (store, _) = ReportStore.load([.jsonLines(data: try jsonLines(reports), name: "start")])
        var rng = SplitMix64(seed: 99)
        for step in 0..<400 {
            let key = "r\(rng.next() % 90)"
            switch rng.next() % 4 {
            case 0:
                if store.remove(id: id(key)) { reports[key] = nil }
            default:
                let value = text(rng.next() % 70, edition: step % 4)
                try store.put(id: id(key), text: value)
                reports[key] = value
            }
            // Query in the middle too, so flushes happen between writes.
            if step % 97 == 0 { _ = try answer(store, "17") }
        }
        let (fresh, _) = ReportStore.load([.jsonLines(data: try jsonLines(reports), name: "end")])
        for query in Self.queries {
            let (got, count, gotBest) = try answer(store, query)
            let (want, wantCount, wantBest) = try answer(fresh, query)
            #expect(got == want, "query \(query)")
            #expect(count == wantCount, "query \(query)")
            #expect(gotBest == wantBest, "best match: query \(query)")
        }
        store.waitForIndexMaintenance()
        for query in Self.queries {
            #expect(try answer(store, query).0 == answer(fresh, query).0, "after merges: query \(query)")
        }
    }

    @Test("a store kept without an index refuses search and count instead of answering no match")
    func noIndexRefusesQueries() throws {
        var options = ImportOptions()
        options.buildsSearchIndex = false
        let store = ReportStore(options: options)
        try store.put(id: id("a"), text: Array("Tin\nmưa lớn ở Hà Nội".utf8))
        #expect(try store.text(for: id("a")) == Array("Tin\nmưa lớn ở Hà Nội".utf8))
        #expect(throws: NoSearchIndex.self) { try store.search("mưa", limit: 10, offset: 0, fold: true) }
        #expect(throws: NoSearchIndex.self) { try store.count("mưa", fold: true) }
        // With an index the same store answers.
        let indexed = ReportStore()
        try indexed.put(id: id("a"), text: Array("Tin\nmưa lớn ở Hà Nội".utf8))
        #expect(try indexed.count("mưa", fold: true) == 1)
    }

    @Test("an indexed store whose reports are all deleted comes back from its snapshot indexed, not as one kept without an index")
    func emptiedStoreRestoresIndexed() throws {
        let store = ReportStore()
        for i in 0..<20 { try store.put(id: id("e\(i)"), text: text(UInt64(i)) + Fixtures.randomBytes(2_000, seed: UInt64(i)).map { 0x61 + $0 % 26 }) }
        store.waitForIndexMaintenance()
        for i in 0..<20 { _ = store.remove(id: id("e\(i)")) }
        store.waitForIndexMaintenance()
        let frozen = store.freeze()
        #expect(frozen.index.segments.isEmpty && frozen.index.pending.isEmpty, "the empty segments are merged away (the case under test)")
        let sections = Dictionary(uniqueKeysWithValues: frozen.sections().map { ($0.name, $0.bytes) })
        let restored = try ReportStore.restore(sections: sections)
        #expect(try restored.count("Bản", fold: true) == 0)
        try restored.put(id: id("new"), text: Array("Tin mới\nmưa lớn".utf8))
        #expect(try restored.count("mưa", fold: true) == 1)
    }

    @Test("restored with the index turned off (--no-search-index), a snapshot's index is dropped and queries are refused")
    func restoreWithoutIndex() throws {
        let store = ReportStore()
        try store.put(id: id("a"), text: Array("Tin\nmưa lớn ở Hà Nội".utf8))
        let sections = Dictionary(uniqueKeysWithValues: store.freeze().sections().map { ($0.name, $0.bytes) })
        var options = ImportOptions()
        options.buildsSearchIndex = false
        let restored = try ReportStore.restore(sections: sections, options: options)
        #expect(try restored.text(for: id("a")) == Array("Tin\nmưa lớn ở Hà Nội".utf8))
        #expect(throws: NoSearchIndex.self) { try restored.count("mưa", fold: true) }
        #expect(restored.current.state.index.segments.isEmpty, "its memory is not kept")
        #expect(try ReportStore.restore(sections: sections).count("mưa", fold: true) == 1)
    }

    @Test("thousands of small puts are merged into a handful of segments")
    func segmentsStayFew() throws {
        let store = ReportStore()
        for i in 0..<3000 { try store.put(id: id("p\(i)"), text: Array("Tin \(i)\nnội dung \(i % 7)".utf8)) }
        #expect(try store.count("\"nội dung 3\"", fold: false) == 3000 / 7 + (3000 % 7 > 3 ? 1 : 0))
        store.waitForIndexMaintenance()
        let stats = store.statistics
        #expect(stats.indexPendingDocs == 0)
        #expect(stats.indexSegments <= 8, "\(stats.indexSegments) segments")
        #expect(try store.count("tin", fold: false) == 3000)
    }

    @Test("replaced and removed texts are compacted away in the background, texts unchanged")
    func garbageIsCompacted() throws {
        let store = ReportStore(dictionary: Array("Tin tức số báo cáo".utf8))
        for round in 0..<3 {
            for i in 0..<400 { try store.put(id: id("g\(i)"), text: Fixtures.randomBytes(2_000, seed: UInt64(round * 1000 + i)).map { 0x41 + $0 % 26 }) }
        }
        for i in 0..<100 { #expect(store.remove(id: id("g\(i)"))) }
        store.waitForIndexMaintenance()
        let stats = store.statistics
        #expect(stats.garbageBytes * 4 <= stats.compressedBytes || stats.garbageBytes < 1 << 20, "garbage \(stats.garbageBytes) of \(stats.compressedBytes)")
        for i in 100..<400 {
            #expect(try store.text(for: id("g\(i)")) == Fixtures.randomBytes(2_000, seed: UInt64(2000 + i)).map { 0x41 + $0 % 26 })
        }
    }

    @Test("a frozen store restores to the same texts and answers, with later writes intact")
    func sectionsRoundTrip() throws {
        var reports: [String: [UInt8]] = [:]
        for i in 0..<40 { reports["s\(i)"] = text(UInt64(i)) }
        let (store, _) = ReportStore.load([.jsonLines(data: try jsonLines(reports), name: "start")])
        try store.put(id: id("s3"), text: text(77, edition: 2))
        try store.put(id: id("new"), text: text(78, edition: 3))
        #expect(store.remove(id: id("s5")))
        let sections = store.freeze().sections()
        // Writes after the freeze are not in the sections.
        try store.put(id: id("later"), text: text(79))
        let restored = try ReportStore.restore(sections: Dictionary(uniqueKeysWithValues: sections.map { ($0.name, $0.bytes) }))
        #expect(restored.count == store.count - 1)
        #expect(try restored.text(for: id("later")) == nil)
        for key in store.reportIDs() where key.rawValue != "later" {
            #expect(try restored.text(for: key) == store.text(for: key))
        }
        #expect(restored.dictionary == store.dictionary)
        #expect(store.remove(id: id("later")))
        for query in Self.queries {
            #expect(try answer(restored, query).0 == answer(store, query).0, "query \(query)")
        }
        // The restored store takes writes and indexes them.
        try restored.put(id: id("after-restore"), text: Array("Tin sau khôi phục\nđộc nhất".utf8))
        #expect(try restored.count("độc nhất", fold: false) == 1)
    }

    @Test("damaged or missing sections are refused with .corrupt, never trapped on")
    func damagedSections() throws {
        var reports: [String: [UInt8]] = [:]
        for i in 0..<12 { reports["d\(i)"] = text(UInt64(i)) }
        let (store, _) = ReportStore.load([.jsonLines(data: try jsonLines(reports), name: "start")])
        try store.put(id: id("d1"), text: text(50))
        let sections = Dictionary(uniqueKeysWithValues: store.freeze().sections().map { ($0.name, $0.bytes) })
        for name in sections.keys.sorted() {
            var missing = sections
            missing[name] = nil
            #expect(throws: StoreError.self, "without \(name)") { try ReportStore.restore(sections: missing) }
            let bytes = sections[name]!
            for cut in Set([0, 1, bytes.count / 2, max(0, bytes.count - 1)]) where cut < bytes.count {
                var truncated = sections
                truncated[name] = Array(bytes[..<cut])
                #expect(throws: StoreError.self, "\(name) cut at \(cut)") { try ReportStore.restore(sections: truncated) }
            }
        }
        // A flipped byte in a table either is refused or restores without trapping.
        for name in ["store.meta", "store.entries", "store.ids"] {
            let bytes = sections[name]!
            for offset in 0..<bytes.count {
                var flipped = sections
                flipped[name]![offset] ^= 0x40
                if let restored = try? ReportStore.restore(sections: flipped) {
                    for key in restored.reportIDs() { _ = try? restored.text(for: key) }
                }
            }
        }
    }
}
