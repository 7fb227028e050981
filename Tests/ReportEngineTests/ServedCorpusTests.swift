// Tests of ServedCorpus: writes survive a close and reopen (from the log, from a snapshot,
// from both), snapshots taken while writers run lose nothing, refused writes change nothing,
// and a damaged data directory refuses to open until repaired.
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import ReportDurability
import ReportEngine
import ReportStore
import Synchronization
import Testing

@Suite("served corpus: writes, snapshots, recovery")
struct ServedCorpusTests {
    /// A fresh data directory under /tmp, removed by the caller.
    static func directory() -> String {
        let path = NSTemporaryDirectory() + "reportd-engine-\(UUID().uuidString)"
        return path
    }

    static func open(_ path: String, policy: FsyncPolicy = .always, repair: Bool = false) throws -> ServedCorpus {
        try ServedCorpus.open(persistence: PersistenceSettings(directory: path, appendfsync: policy, repair: repair)).0
    }

    static func put(_ corpus: ServedCorpus, _ id: String, _ text: String) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Void, EngineError>?>(nil)
        corpus.put(id: id, text: Array(text.utf8)) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 }!.get()
    }

    static func delete(_ corpus: ServedCorpus, _ id: String) throws -> Bool {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Bool, EngineError>?>(nil)
        corpus.delete(id: id) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0 }!.get()
    }

    static func text(_ corpus: ServedCorpus, _ id: String) throws -> String? {
        try corpus.store.text(for: ReportID(id)!).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("after a failed snapshot, log_bytes still counts the log it did not cover")
    func logBytesAfterFailedSnapshot() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let corpus = try Self.open(path)
        defer { corpus.close() }
        for i in 0..<40 { try Self.put(corpus, "r\(i)", "Tiêu đề \(i)\n" + String(repeating: "nội dung \(i) ", count: 50)) }
        func fileBytes(_ name: String) -> UInt64 {
            ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size]) as? NSNumber)?.uint64Value ?? 0
        }
        let log0 = DataDirectoryLayout.logName(0), log1 = DataDirectoryLayout.logName(1)
        #expect(corpus.persistenceStatistics?.logBytes == fileBytes(log0))
        // A directory where snapshot 1 must go: writing it fails after the log switch, as ENOSPC does.
        try FileManager.default.createDirectory(atPath: path + "/" + DataDirectoryLayout.snapshotName(1), withIntermediateDirectories: false)
        #expect(throws: EngineError.self) { try corpus.snapshot() }
        try Self.put(corpus, "after", "Sau\nkhi hỏng")
        #expect(FileManager.default.fileExists(atPath: path + "/" + log1))
        #expect(fileBytes(log0) > 3000)
        #expect(corpus.persistenceStatistics?.logBytes == fileBytes(log0) + fileBytes(log1), "log 0 is still needed for recovery")
    }

    @Test("puts and deletes survive a reopen from the log alone")
    func reopenFromLog() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let corpus = try Self.open(path)
            for i in 0..<50 { try Self.put(corpus, "r\(i)", "Tiêu đề \(i)\nNội dung \(i)") }
            try Self.put(corpus, "r7", "Bản mới\nđã thay")
            #expect(try Self.delete(corpus, "r3"))
            #expect(try !Self.delete(corpus, "không-có"))
            corpus.close()
        }
        let reopened = try Self.open(path)
        defer { reopened.close() }
        #expect(reopened.store.count == 49)
        #expect(try Self.text(reopened, "r7") == "Bản mới\nđã thay")
        #expect(try Self.text(reopened, "r3") == nil)
        #expect(try Self.text(reopened, "r49") == "Tiêu đề 49\nNội dung 49")
    }

    @Test("a data directory written without an index, reopened with one, is indexed: SEARCH and COUNT find its reports and later writes")
    func reopenWithoutIndexIndexes() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var noIndex = ImportOptions()
        noIndex.buildsSearchIndex = false
        do {
            let (corpus, _) = try ServedCorpus.open(persistence: PersistenceSettings(directory: path), storeOptions: noIndex)
            try Self.put(corpus, "a", "Báo cáo\nHà Nội mưa lớn")
            try Self.put(corpus, "b", "Tin khác\nĐà Nẵng nắng")
            try Self.put(corpus, "c", "Bỏ đi\nHà Nội")
            _ = try corpus.snapshot()
            // Logged after the snapshot: replayed on top of it.
            try Self.put(corpus, "d", "Sau ảnh chụp\nHà Nội gió")
            #expect(try Self.delete(corpus, "c"))
            corpus.close()
        }
        let (again, quiet) = try ServedCorpus.open(persistence: PersistenceSettings(directory: path), storeOptions: noIndex)
        #expect(quiet.indexedReports == 0 && quiet.warnings.isEmpty, "asked for no index, none is built: \(quiet.warnings)")
        #expect(throws: EngineError.self) { try again.reader().count("Hà Nội", fold: false) }
        again.close()
        do {
            let (reopened, report) = try ServedCorpus.open(persistence: PersistenceSettings(directory: path))
            defer { reopened.close() }
            #expect(report.indexedReports == 3, "the snapshot's three reports are indexed")
            #expect(report.warnings.isEmpty, "\(report.warnings)")
            let reader = reopened.reader()
            #expect(try reader.count("Hà Nội", fold: false) == 2)
            #expect(try Set(reader.search("ha noi", limit: 10, offset: 0, fold: false, withTexts: false, allWords: true, suggest: false).hits.map(\.id.rawValue)) == ["a", "d"])
            try Self.put(reopened, "e", "Mới\nHà Nội rét")
            #expect(try reopened.reader().count("Hà Nội", fold: false) == 3)
        }
        // Indexed once: the snapshot written at that open holds the index.
        let (third, again3) = try ServedCorpus.open(persistence: PersistenceSettings(directory: path))
        defer { third.close() }
        #expect(again3.indexedReports == 0)
        #expect(try third.reader().count("Hà Nội", fold: false) == 3)
    }

    @Test("a snapshot plus later writes reopen to the same corpus, and the old log is retired")
    func reopenFromSnapshotAndLog() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var expected: [String: String] = [:]
        do {
            let corpus = try Self.open(path)
            for i in 0..<40 {
                try Self.put(corpus, "a\(i)", "Báo cáo \(i)\nHà Nội \(i)")
                expected["a\(i)"] = "Báo cáo \(i)\nHà Nội \(i)"
            }
            let summary = try corpus.snapshot()
            #expect(summary.reports == 40)
            for i in 0..<10 {
                try Self.put(corpus, "b\(i)", "Sau ảnh chụp \(i)")
                expected["b\(i)"] = "Sau ảnh chụp \(i)"
            }
            #expect(try Self.delete(corpus, "a0"))
            expected["a0"] = nil
            corpus.close()
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        #expect(files.filter { $0.hasPrefix("snapshot-") }.count == 1)
        #expect(files.filter { $0.hasPrefix("log-") } == ["log-00000000000000000001.rdlog"])
        let (reopened, report) = try ServedCorpus.open(persistence: PersistenceSettings(directory: path))
        defer { reopened.close() }
        #expect(report.snapshotReports == 40 && report.replayedRecords == 11)
        #expect(reopened.store.count == expected.count)
        for (id, text) in expected { #expect(try Self.text(reopened, id) == text) }
    }

    @Test("a snapshot taken while writers run holds or logs every acknowledged write")
    func snapshotUnderConcurrentWrites() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let acknowledged = Mutex<[String: String]>([:])
        do {
            let corpus = try Self.open(path, policy: .no)
            let writers = DispatchGroup()
            for w in 0..<4 {
                DispatchQueue.global().async(group: writers) {
                    for i in 0..<150 {
                        let id = "w\(w)-\(i % 60)"
                        let text = "Người viết \(w), lần \(i)\nnội dung"
                        if (try? Self.put(corpus, id, text)) != nil { acknowledged.withLock { $0[id] = text } }
                    }
                }
            }
            for _ in 0..<3 { _ = try corpus.snapshot() }
            writers.wait()
            corpus.close()
        }
        let reopened = try Self.open(path)
        defer { reopened.close() }
        let expected = acknowledged.withLock { $0 }
        #expect(expected.count == 240)
        #expect(reopened.store.count == expected.count)
        for (id, text) in expected { #expect(try Self.text(reopened, id) == text) }
    }

    @Test("readers running during writes and snapshots see whole reports, old or new, never a mix")
    func readersNeverSeeHalfAWrite() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let corpus = try Self.open(path, policy: .no)
        defer { corpus.close() }
        /// Version v of report k: its lines all name (k, v), and the search word names v.
        func version(_ k: Int, _ v: Int) -> String {
            "Báo cáo \(k) phiên bản \(v)\n" + String(repeating: "dòng \(k)-\(v) phienban\(v)\n", count: 20 + v % 7)
        }
        for k in 0..<20 { try Self.put(corpus, "k\(k)", version(k, 0)) }
        let stop = Atomic<Bool>(false)
        let mixed = Atomic<Int>(0)
        let reads = Atomic<Int>(0)
        let readers = DispatchGroup()
        for r in 0..<3 {
            DispatchQueue.global().async(group: readers) {
                var k = r
                while !stop.load(ordering: .relaxed) {
                    k = (k + 7) % 20
                    guard let text = try? Self.text(corpus, "k\(k)") else { mixed.add(1, ordering: .relaxed); continue }
                    let lines = text.split(separator: "\n")
                    let v = lines.first.flatMap { $0.split(separator: " ").last }.map(String.init) ?? "?"
                    if !lines.dropFirst().allSatisfy({ $0 == "dòng \(k)-\(v) phienban\(v)" }) { mixed.add(1, ordering: .relaxed) }
                    reads.add(1, ordering: .relaxed)
                }
            }
        }
        // Start writing once the readers run (the machine may be busy with other tests).
        let started = Date()
        while reads.load(ordering: .relaxed) < 3 && Date().timeIntervalSince(started) < 10 { usleep(1_000) }
        for v in 1...30 {
            for k in 0..<20 { try Self.put(corpus, "k\(k)", version(k, v)) }
            if v % 10 == 0 { _ = try corpus.snapshot() }
        }
        stop.store(true, ordering: .relaxed)
        readers.wait()
        #expect(mixed.load(ordering: .relaxed) == 0)
        #expect(reads.load(ordering: .relaxed) > 0)
        // The index agrees: each report is found by its last version's word only.
        #expect(try corpus.store.count("phienban30", fold: false) == 20)
        #expect(try corpus.store.count("phienban29", fold: false) == 0)
    }

    @Test("a refused write changes nothing and is not logged")
    func refusedWrites() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let corpus = try Self.open(path)
        #expect(throws: EngineError.self) { try Self.put(corpus, "", "x") }
        #expect(throws: EngineError.self) { try Self.put(corpus, "a/b", "x") }
        #expect(throws: EngineError.self) { try Self.put(corpus, "rỗng", "") }
        let done = DispatchSemaphore(value: 0)
        let code = Mutex<EngineError.Code?>(nil)
        corpus.put(id: "bad-utf8", text: [0x41, 0xC3, 0x28]) { result in
            if case .failure(let error) = result { code.withLock { $0 = error.code } }
            done.signal()
        }
        done.wait()
        #expect(code.withLock { $0 } == .invalidReport)
        #expect(corpus.store.count == 0)
        corpus.close()
        let (reopened, report) = try ServedCorpus.open(persistence: PersistenceSettings(directory: path))
        defer { reopened.close() }
        #expect(report.replayedRecords == 0)
    }

    @Test("without a data directory, writes apply in memory and SNAPSHOT says why it cannot")
    func memoryOnly() throws {
        let corpus = ServedCorpus(store: ReportStore())
        try Self.put(corpus, "m1", "Chỉ trong bộ nhớ")
        #expect(try Self.text(corpus, "m1") == "Chỉ trong bộ nhớ")
        #expect(throws: EngineError(.noDataDirectory, "reportd runs without --data-dir: there is nowhere to write a snapshot")) {
            try corpus.snapshot()
        }
    }

    @Test("a second reportd on the same data directory is refused while the first holds it")
    func lockedDirectory() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try Self.open(path)
        defer { first.close() }
        do {
            _ = try Self.open(path)
            Issue.record("a second open succeeded")
        } catch let error as EngineError {
            #expect(error.code == .recoveryFailed)
            #expect(error.message.contains("LOCK"))
        }
    }

    @Test("a damaged snapshot refuses to open, naming the file and --repair; --repair opens and keeps the logged writes")
    func damagedSnapshot() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let corpus = try Self.open(path)
            for i in 0..<20 { try Self.put(corpus, "s\(i)", "Trước ảnh chụp \(i)") }
            _ = try corpus.snapshot()
            try Self.put(corpus, "after", "Sau ảnh chụp")
            corpus.close()
        }
        let snapshot = try FileManager.default.contentsOfDirectory(atPath: path).first { $0.hasSuffix(".rdsnap") }!
        let file = path + "/" + snapshot
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[100] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: file))
        do {
            _ = try Self.open(path)
            Issue.record("a damaged snapshot opened")
        } catch let error as EngineError {
            #expect(error.message.contains(snapshot))
            #expect(error.message.contains("--repair"))
        }
        let repaired = try Self.open(path, repair: true)
        defer { repaired.close() }
        #expect(try Self.text(repaired, "after") == "Sau ảnh chụp")
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        #expect(names.contains { $0.hasPrefix(snapshot + ".damaged-") })
    }
}
