// Tests of imports into a data directory: a source report is applied only when it is new or
// changed since it was last imported (the ledger in the data directory), so PUTs and DELs of
// imported ids are never reverted, across reopenings too; and a damaged ledger is named.
import Foundation
import ReportDurability
import ReportEngine
import ReportStore
import Testing

@Suite("served corpus: imports apply only what changed at the source since the last import")
struct ImportLedgerEngineTests {
    static func source(_ reports: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "reportd-source-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (id, text) in reports { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(id).txt")) }
        return dir
    }

    /// What reportd does at start and on reload with a data directory.
    static func importSources(_ dir: String, into corpus: ServedCorpus) throws -> Int {
        if corpus.store.count == 0 {
            let (store, _) = ReportStore.load([.path(dir)])
            if try corpus.adoptInitialImport(store) { return store.count }
        }
        return try corpus.apply(try corpus.importChanges(from: [.path(dir)], options: ImportOptions()))
    }

    @Test("after an initial import, PUT and DEL of imported ids survive re-imports and reopenings; changed sources apply")
    func writesWinOverUnchangedSources() throws {
        let path = ServedCorpusTests.directory()
        let dir = try Self.source(["a": "Tin A\nbản đầu", "b": "Tin B\nbản đầu", "c": "Tin C\nbản đầu"])
        defer { for p in [path, dir] { try? FileManager.default.removeItem(atPath: p) } }
        do {
            let corpus = try ServedCorpusTests.open(path)
            #expect(try Self.importSources(dir, into: corpus) == 3)
            try ServedCorpusTests.put(corpus, "a", "Tin A\nqua PUT")
            #expect(try ServedCorpusTests.delete(corpus, "b"))
            try Data("Tin C\nbản sửa".utf8).write(to: URL(fileURLWithPath: "\(dir)/c.txt"))
            #expect(try Self.importSources(dir, into: corpus) == 1)
            #expect(try ServedCorpusTests.text(corpus, "a") == "Tin A\nqua PUT")
            #expect(try ServedCorpusTests.text(corpus, "b") == nil)
            #expect(try ServedCorpusTests.text(corpus, "c") == "Tin C\nbản sửa")
            corpus.close()
        }
        let reopened = try ServedCorpusTests.open(path)
        defer { reopened.close() }
        #expect(try Self.importSources(dir, into: reopened) == 0)
        #expect(try ServedCorpusTests.text(reopened, "a") == "Tin A\nqua PUT")
        #expect(try ServedCorpusTests.text(reopened, "b") == nil)
        #expect(try ServedCorpusTests.text(reopened, "c") == "Tin C\nbản sửa")
        // The source of a changes again: now the source is newer than the PUT, and wins.
        try Data("Tin A\nbản sửa".utf8).write(to: URL(fileURLWithPath: "\(dir)/a.txt"))
        #expect(try Self.importSources(dir, into: reopened) == 1)
        #expect(try ServedCorpusTests.text(reopened, "a") == "Tin A\nbản sửa")
    }

    @Test("the ledger keeps the NFC and NFD spellings of an id apart, across reopenings")
    func ledgerIdsAreBytes() throws {
        let path = ServedCorpusTests.directory()
        let nfc = "Hoà"
        let nfd = nfc.decomposedStringWithCanonicalMapping
        // (Not a [String: String]: Swift strings are equal under canonical equivalence.)
        let dir = try Self.source([:])
        try Data("Tin NFC\nbản đầu".utf8).write(to: URL(fileURLWithPath: "\(dir)/\(nfc).txt"))
        try Data("Tin NFD\nbản đầu".utf8).write(to: URL(fileURLWithPath: "\(dir)/\(nfd).txt"))
        defer { for p in [path, dir] { try? FileManager.default.removeItem(atPath: p) } }
        do {
            let corpus = try ServedCorpusTests.open(path)
            #expect(try Self.importSources(dir, into: corpus) == 2)
            try ServedCorpusTests.put(corpus, nfd, "Tin NFD\nqua PUT")
            corpus.close()
        }
        let reopened = try ServedCorpusTests.open(path)
        defer { reopened.close() }
        #expect(try Self.importSources(dir, into: reopened) == 0)
        #expect(try ServedCorpusTests.text(reopened, nfc) == "Tin NFC\nbản đầu")
        #expect(try ServedCorpusTests.text(reopened, nfd) == "Tin NFD\nqua PUT")
    }

    @Test("deleting every imported report and re-importing brings none back")
    func emptiedCorpusStaysEmpty() throws {
        let path = ServedCorpusTests.directory()
        let dir = try Self.source(["x": "Tin X", "y": "Tin Y"])
        defer { for p in [path, dir] { try? FileManager.default.removeItem(atPath: p) } }
        let corpus = try ServedCorpusTests.open(path)
        defer { corpus.close() }
        #expect(try Self.importSources(dir, into: corpus) == 2)
        #expect(try ServedCorpusTests.delete(corpus, "x"))
        #expect(try ServedCorpusTests.delete(corpus, "y"))
        #expect(try Self.importSources(dir, into: corpus) == 0)
        #expect(corpus.store.count == 0)
    }

    @Test("an import into a directory filled by writes records the ledger, and the next one keeps later writes")
    func firstImportAfterWrites() throws {
        let path = ServedCorpusTests.directory()
        let dir = try Self.source(["k": "Tin K\nnguồn"])
        defer { for p in [path, dir] { try? FileManager.default.removeItem(atPath: p) } }
        let corpus = try ServedCorpusTests.open(path)
        defer { corpus.close() }
        try ServedCorpusTests.put(corpus, "khac", "Một bài khác")
        #expect(try Self.importSources(dir, into: corpus) == 1)
        try ServedCorpusTests.put(corpus, "k", "Tin K\nđã sửa")
        #expect(try Self.importSources(dir, into: corpus) == 0)
        #expect(try ServedCorpusTests.text(corpus, "k") == "Tin K\nđã sửa")
    }

    @Test("a damaged ledger stops the import with a message naming the file")
    func damagedLedger() throws {
        let path = ServedCorpusTests.directory()
        let dir = try Self.source(["m": "Tin M"])
        defer { for p in [path, dir] { try? FileManager.default.removeItem(atPath: p) } }
        let corpus = try ServedCorpusTests.open(path)
        defer { corpus.close() }
        #expect(try Self.importSources(dir, into: corpus) == 1)
        let ledger = path + "/imports.rdimp"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ledger)))
        bytes[44] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: ledger))
        do {
            _ = try corpus.importChanges(from: [.path(dir)], options: ImportOptions())
            Issue.record("a damaged ledger was accepted")
        } catch {
            #expect(error.code == .importFailed)
            #expect(error.message.contains("imports.rdimp"))
        }
    }
}
