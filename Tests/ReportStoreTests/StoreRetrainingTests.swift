// A store filled by writes trains its dictionary once enough reports are live and recompresses
// what it holds, without changing a byte of any text; snapshots taken while units are still on
// the older dictionary restore and finish the recompression.
import Foundation
import Testing
@testable import ReportStore

@Suite("ReportStore: dictionary retraining for stores filled by writes")
struct StoreRetrainingTests {
    func id(_ s: String) -> ReportID { ReportID(s)! }

    func text(_ i: Int) -> [UInt8] { Fixtures.report(seed: UInt64(i), paragraphs: 2 + i % 3) }

    @Test("an empty store trains a dictionary at 1,000 reports and recompresses every unit, texts unchanged")
    func retrainsAfterEnoughWrites() throws {
        let store = ReportStore()
        #expect(store.dictionary.isEmpty)
        for i in 0..<999 { try store.put(id: id("w\(i)"), text: text(i)) }
        let before = store.statistics
        #expect(store.dictionary.isEmpty)
        for i in 999..<1_200 { try store.put(id: id("w\(i)"), text: text(i)) }
        store.waitForIndexMaintenance()
        let after = store.statistics
        #expect(!store.dictionary.isEmpty)
        #expect(after.compressionRatio < before.compressionRatio * 0.9, "ratio \(before.compressionRatio) -> \(after.compressionRatio)")
        // The replaced units are garbage until it is worth a compaction (>= 1 MiB and a quarter).
        #expect(after.garbageBytes < 1 << 20 || after.garbageBytes * 4 <= after.compressedBytes)
        #expect(after.dictionaryBytes == store.dictionary.count)
        for i in 0..<1_200 { #expect(try store.text(for: id("w\(i)")) == text(i)) }
        // Writes after the switch use the new dictionary; search still sees everything.
        try store.put(id: id("late"), text: Array("Tin cuối\nđộc nhất vô nhị".utf8))
        #expect(try store.count("\"độc nhất\"", fold: false) == 1)
        #expect(try store.count("\"Tin tức số 7\"", fold: false) >= 1)
    }

    @Test("a store imported with a trained dictionary never retrains")
    func importedStoresKeepTheirDictionary() throws {
        var data: [UInt8] = []
        for i in 0..<50 {
            let object = ["id": "r\(i)", "text": String(decoding: text(i), as: UTF8.self)]
            data += Array(try JSONSerialization.data(withJSONObject: object)) + [0x0A]
        }
        let (store, _) = ReportStore.load([.jsonLines(data: data, name: "fixture")])
        let dictionary = store.dictionary
        for i in 0..<1_100 { try store.put(id: id("p\(i)"), text: text(i)) }
        store.waitForIndexMaintenance()
        // Trained on 50 reports: retrained at 1,000 live.
        #expect(store.dictionary != dictionary)
        let second = store.dictionary
        for i in 1_100..<1_500 { try store.put(id: id("p\(i)"), text: text(i)) }
        store.waitForIndexMaintenance()
        #expect(store.dictionary == second, "trained on 1,000+: not again until 4x that")
    }

    @Test("a snapshot with units on two dictionaries restores them all and finishes the recompression")
    func mixedDictionariesRoundTrip() throws {
        let store = ReportStore()
        for i in 0..<30 { try store.put(id: id("a\(i)"), text: text(i)) }
        // Switch dictionaries by hand and stop there: the old units stay on codec 0.
        let trained = Array("Tin tức số Sáng nay ủy ban nhân dân thành phố người dân báo cáo".utf8)
        store.updateForTesting { s in
            s.codecs.append(Codec(dictionary: trained, trainedOn: 5_000, level: 9, memLevel: 9))
            s.current = 1
        }
        for i in 30..<40 { try store.put(id: id("a\(i)"), text: text(i)) }
        let sections = Dictionary(uniqueKeysWithValues: store.freeze().sections().map { ($0.name, $0.bytes) })
        let restored = try ReportStore.restore(sections: sections)
        for i in 0..<40 { #expect(try restored.text(for: id("a\(i)")) == text(i)) }
        restored.waitForIndexMaintenance()
        let state = restored.current.state
        #expect(Set(state.arena.entries.filter(\.isLive).map(\.codec)) == [1])
        #expect(state.codecs.compactMap { $0 }.count == 1)
        for i in 0..<40 { #expect(try restored.text(for: id("a\(i)")) == text(i)) }
        #expect(restored.dictionary == trained)
    }

    @Test("a write prepared with another dictionary (a reload swapped the store) is adopted, then recompressed")
    func foreignPreparedWrite() throws {
        let old = ReportStore(dictionary: Array("Tin tức cũ báo cáo".utf8))
        let new = ReportStore(dictionary: Array("Bản tin mới hôm nay".utf8))
        for i in 0..<5 { try new.put(id: id("n\(i)"), text: text(i)) }
        let prepared = try old.prepare(id: id("foreign"), text: text(99))
        new.apply(prepared)
        #expect(try new.text(for: id("foreign")) == text(99))
        new.waitForIndexMaintenance()
        let state = new.current.state
        #expect(Set(state.arena.entries.filter(\.isLive).map(\.codec)).count == 1)
        #expect(state.codecs.compactMap { $0 }.count == 1)
        #expect(try new.text(for: id("foreign")) == text(99))
        #expect(try new.count("\"Tin tức số 99\"", fold: false) == 1)
    }
}
