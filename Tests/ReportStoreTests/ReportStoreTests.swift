// ReportStore: reads, put/remove, doc numbers, compaction, corruption, concurrency.
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import ReportStore
import ReportChecksum

@Suite("ReportStore")
struct ReportStoreTests {
    func id(_ s: String) -> ReportID { ReportID(s)! }

    /// A store with reports "r0" ... "r<n-1>" imported from JSON Lines.
    func makeStore(_ n: Int) throws -> ReportStore {
        var data: [UInt8] = []
        for i in 0..<n {
            let text = String(decoding: Fixtures.report(seed: UInt64(i)), as: UTF8.self)
            data += Array(try JSONSerialization.data(withJSONObject: ["id": "r\(i)", "text": text])) + [0x0A]
        }
        let (store, summary) = ReportStore.load([.jsonLines(data: data, name: "fixture")])
        #expect(summary.loaded == n)
        return store
    }

    @Test("report ids are validated: empty, too long, '/', control characters")
    func reportIDRules() {
        #expect(ReportID("") == nil)
        #expect(ReportID("a/b") == nil)
        #expect(ReportID("a\u{0}b") == nil)
        #expect(ReportID("a\u{7F}") == nil)
        #expect(ReportID("a\u{85}") == nil)
        #expect(ReportID(String(repeating: "x", count: 255)) != nil)
        #expect(ReportID(String(repeating: "x", count: 256)) == nil)
        #expect(ReportID(String(repeating: "đ", count: 128)) == nil)  // 256 bytes
        #expect(ReportID("báo-cáo.2017 số 1")?.rawValue == "báo-cáo.2017 số 1")
    }

    @Test("imported reports get doc numbers 0..<n that map both ways")
    func docNumbers() throws {
        let store = try makeStore(20)
        var seen = Set<UInt32>()
        for i in 0..<20 {
            let doc = try #require(store.docNumber(for: id("r\(i)")))
            seen.insert(doc)
            #expect(store.id(forDoc: doc) == id("r\(i)"))
            #expect(try store.text(forDoc: doc) == Fixtures.report(seed: UInt64(i)))
        }
        #expect(seen == Set(0..<20))
        #expect(store.id(forDoc: 20) == nil)
        #expect(try store.text(forDoc: 99) == nil)
    }

    @Test("put adds and replaces with new doc numbers; remove retires them; numbers never come back")
    func putAndRemove() throws {
        let store = try makeStore(5)
        let oldDoc = try #require(store.docNumber(for: id("r2")))
        let replaced = try store.put(id: id("r2"), text: Array("bản mới".utf8))
        #expect(replaced == 5)
        #expect(store.id(forDoc: oldDoc) == nil)
        #expect(try store.text(forDoc: oldDoc) == nil)
        #expect(try store.text(for: id("r2")) == Array("bản mới".utf8))
        let added = try store.put(id: id("new"), text: Array("báo cáo mới".utf8))
        #expect(added == 6)
        #expect(store.remove(id: id("new")))
        #expect(!store.remove(id: id("new")))
        #expect(try store.text(for: id("new")) == nil)
        #expect(try store.put(id: id("new"), text: Array("lại".utf8)) == 7)
        #expect(store.count == 6)
        let stats = store.statistics
        #expect(stats.reportCount == 6)
        #expect(stats.docNumberLimit == 8)
        #expect(stats.garbageBytes > 0)
    }

    @Test("ids are compared byte for byte: the NFC and NFD spellings of a name are two reports")
    func idsAreBytes() throws {
        let store = try makeStore(2)
        let nfc = id("Khánh Hoà")
        let nfd = id("Khánh Hoà".decomposedStringWithCanonicalMapping)
        #expect(Array(nfc.rawValue.utf8) != Array(nfd.rawValue.utf8))
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        #expect(nfc < nfd || nfd < nfc)
        try store.put(id: nfc, text: Array("bản NFC".utf8))
        try store.put(id: nfd, text: Array("bản NFD".utf8))
        #expect(store.count == 4)
        #expect(try store.text(for: nfc) == Array("bản NFC".utf8))
        #expect(try store.text(for: nfd) == Array("bản NFD".utf8))
        #expect(store.remove(id: nfd))
        #expect(try store.text(for: nfc) == Array("bản NFC".utf8))
        #expect(try store.text(for: nfd) == nil)
    }

    @Test("put rejects empty, oversized and invalid UTF-8 texts and leaves the store unchanged")
    func putRejects() throws {
        var options = ImportOptions()
        options.maxReportBytes = 10
        let store = ReportStore(options: options)
        #expect(throws: StoreError(.empty, "report x: empty text")) { try store.put(id: id("x"), text: []) }
        let tooLarge = #expect(throws: StoreError.self) { try store.put(id: id("x"), text: Array(repeating: 65, count: 11)) }
        #expect(tooLarge?.code == .tooLarge)
        let badUTF8 = #expect(throws: StoreError.self) { try store.put(id: id("x"), text: [0xC0, 0x80]) }
        #expect(badUTF8?.code == .invalidUTF8)
        #expect(store.count == 0)
        #expect(store.statistics.docNumberLimit == 0)
    }

    @Test("an empty store without a dictionary still stores and returns texts")
    func emptyStore() throws {
        let (store, summary) = ReportStore.load([])
        #expect(summary.loaded == 0)
        #expect(store.dictionary.isEmpty)
        try store.put(id: id("a"), text: Array("xin chào".utf8))
        #expect(try store.text(for: id("a")) == Array("xin chào".utf8))
    }

    @Test("compact drops garbage and keeps every live text and doc number")
    func compact() throws {
        let store = try makeStore(50)
        for i in stride(from: 0, to: 50, by: 3) { store.remove(id: id("r\(i)")) }
        try store.put(id: id("r1"), text: Array("thay thế".utf8))
        let before = store.statistics
        let docs = (0..<50).map { store.docNumber(for: id("r\($0)")) }
        store.compact()
        let after = store.statistics
        #expect(after.garbageBytes == 0)
        #expect(after.compressedBytes == before.compressedBytes)
        #expect(after.arenaCapacityBytes == after.compressedBytes)
        for i in 0..<50 {
            #expect(store.docNumber(for: id("r\(i)")) == docs[i])
            let expected: [UInt8]? = i % 3 == 0 ? nil : i == 1 ? Array("thay thế".utf8) : Fixtures.report(seed: UInt64(i))
            #expect(try store.text(for: id("r\(i)")) == expected)
        }
    }

    @Test("compressedText inflates with the published dictionary to the same text")
    func compressedText() throws {
        let store = try makeStore(30)
        let unit = try #require(store.compressedText(for: id("r7")))
        #expect(unit.dictionaryID == Checksum.crc32(store.dictionary))
        let inflater = try Inflater(dictionary: store.dictionary)
        let text = try unit.bytes.withUnsafeBytes { try inflater.inflate($0, textLength: unit.textLength, crc: unit.crc32) }
        #expect(text == Fixtures.report(seed: 7))
        #expect(store.compressedText(for: id("nope")) == nil)
    }

    @Test("a flipped byte in a stored unit makes GET throw corrupt")
    func storedCorruption() throws {
        let store = try makeStore(10)
        let doc = try #require(store.docNumber(for: id("r3")))
        let unit = try #require(store.compressedText(for: id("r3")))
        // Reach into the arena the way a stray write would.
        store.updateForTesting { s in
            let arena = s.arena
            let e = arena.entry(doc)!
            let p = arena.chunk(of: e).base + Int(e.offset) + unit.bytes.count / 2
            p.storeBytes(of: p.load(as: UInt8.self) ^ 0x04, as: UInt8.self)
        }
        let error = #expect(throws: StoreError.self) { try store.text(for: id("r3")) }
        #expect(error?.code == .corrupt)
        #expect(try store.text(for: id("r4")) == Fixtures.report(seed: 4))
    }

    @Test("concurrent readers never see a torn or mixed text while a writer replaces and removes")
    func concurrentReaders() throws {
        let store = try makeStore(10)
        @Sendable func version(_ k: Int) -> [UInt8] {
            Array("phiên bản \(k):".utf8) + Fixtures.report(seed: UInt64(1000 + k))
        }
        try store.put(id: id("hot"), text: version(0))
        try store.put(id: id("steady"), text: version(0))
        let counters = Counters()
        let group = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) {
                        while !counters.stop.load(ordering: .relaxed) || counters.reads.load(ordering: .relaxed) < 100 {
                    do {
                        if let text = try store.text(for: ReportID("hot")!) {
                            // The version number prefix says which full text must follow.
                            let prefix = String(decoding: text.prefix(while: { $0 != 0x3A }), as: UTF8.self)
                            let k = Int(prefix.split(separator: " ").last ?? "") ?? -1
                            if k < 0 || text != version(k) { counters.bad.add(1, ordering: .relaxed) }
                        }
                        if try store.text(for: ReportID("r5")!) != Fixtures.report(seed: 5) { counters.bad.add(1, ordering: .relaxed) }
                        // "steady" is replaced over and over but never removed: never missing.
                        if try store.text(for: ReportID("steady")!) == nil { counters.bad.add(1, ordering: .relaxed) }
                    } catch {
                        counters.bad.add(1, ordering: .relaxed)
                    }
                    counters.reads.add(1, ordering: .relaxed)
                }
            }
        }
        for k in 1...299 {
            if k % 10 == 0 {
                store.remove(id: id("hot"))
            } else {
                try store.put(id: id("hot"), text: version(k))
            }
            try store.put(id: id("steady"), text: version(k))
            if k % 100 == 0 { store.compact() }
        }
        counters.stop.store(true, ordering: .relaxed)
        group.wait()
        #expect(counters.bad.load(ordering: .relaxed) == 0)
        #expect(counters.reads.load(ordering: .relaxed) >= 100)
        #expect(try store.text(for: id("hot")) == version(299))
    }
}

/// Shared flags for the concurrency test (atomics cannot be captured by escaping closures).
final class Counters: Sendable {
    let stop = Atomic<Bool>(false)
    let bad = Atomic<Int>(0)
    let reads = Atomic<Int>(0)
}
