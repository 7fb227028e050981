// ReportStore.load on directories, files and JSON Lines written into a temp dir.
import Foundation
import Testing
@testable import ReportStore

@Suite("Import")
struct ImportTests {
    func id(_ s: String) -> ReportID { ReportID(s)! }

    @Test("nested directories are read, non-.txt files ignored, ids keep inner dots, bytes are exact")
    func directoryTree() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let exact: [String: [UInt8]] = [
            "a/crlf.txt": Array("Tiêu đề\r\nDòng hai\r\n".utf8),
            "a/b/bom.txt": [0xEF, 0xBB, 0xBF] + Array("Có BOM".utf8),
            "a/b/c/trailing.txt": Array("khoảng trắng cuối   \n\n  ".utf8),
            "nofinal.txt": Array("không có dòng mới cuối".utf8),
            "x/a.b.txt": Array("id có dấu chấm".utf8),
        ]
        for (path, bytes) in exact { try Fixtures.write(bytes, to: path, in: dir) }
        try Fixtures.write(Array("bỏ qua".utf8), to: "a/notes.md", in: dir)
        try Fixtures.write(Array("bỏ qua".utf8), to: "a/b/readme", in: dir)
        for i in 0..<30 { try Fixtures.write(Fixtures.report(seed: UInt64(i)), to: "many/\(i).txt", in: dir) }

        let (store, summary) = ReportStore.load([.path(dir)])
        #expect(summary.loaded == 35)
        #expect(summary.skipped == 0, "\(summary.issues)")
        #expect(try store.text(for: id("crlf")) == exact["a/crlf.txt"])
        #expect(try store.text(for: id("bom")) == exact["a/b/bom.txt"])
        #expect(try store.text(for: id("trailing")) == exact["a/b/c/trailing.txt"])
        #expect(try store.text(for: id("nofinal")) == exact["nofinal.txt"])
        #expect(try store.text(for: id("a.b")) == exact["x/a.b.txt"])
        #expect(try store.text(for: id("17")) == Fixtures.report(seed: 17))
        #expect(try store.text(for: id("notes")) == nil)
        #expect(try store.text(for: id("readme")) == nil)
        #expect(summary.rawBytes == store.statistics.rawBytes)
        #expect(store.statistics.dictionaryBytes > 0)
    }

    @Test("files whose names are the NFC and NFD spellings of one name are two reports")
    func normalisationVariants() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let nfc = "Hoà"
        let nfd = nfc.decomposedStringWithCanonicalMapping
        try Fixtures.write(Array("Tin NFC\nnội dung".utf8), to: "\(nfc).txt", in: dir)
        try Fixtures.write(Array("Tin NFD\nnội dung".utf8), to: "\(nfd).txt", in: dir)
        let (store, summary) = ReportStore.load([.path(dir)])
        #expect(summary.loaded == 2, "\(summary.issues)")
        #expect(summary.skipped == 0)
        #expect(try store.text(for: id(nfc)) == Array("Tin NFC\nnội dung".utf8))
        #expect(try store.text(for: id(nfd)) == Array("Tin NFD\nnội dung".utf8))
    }

    @Test("bad files are issues with their path and reason; the rest loads")
    func badFiles() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        try Fixtures.write(Array("tốt".utf8), to: "good.txt", in: dir)
        try Fixtures.write([0x41, 0xC3, 0x28, 0x42], to: "badutf8.txt", in: dir)
        try Fixtures.write([], to: "empty.txt", in: dir)
        try Fixtures.write(Array(repeating: 0x61, count: 2000), to: "big.txt", in: dir)
        try Fixtures.write(Array("đầu tiên".utf8), to: "d1/dup.txt", in: dir)
        try Fixtures.write(Array("thứ hai".utf8), to: "d2/dup.txt", in: dir)
        try Fixtures.write(Array("không có tên".utf8), to: ".txt", in: dir)
        try Fixtures.write(Array("ký tự điều khiển".utf8), to: "tab\there.txt", in: dir)
        try Fixtures.write(Array("bị khóa".utf8), to: "locked.txt", in: dir)
        chmod(dir + "/locked.txt", 0)
        let runningAsRoot = getuid() == 0

        var options = ImportOptions()
        options.maxReportBytes = 1000
        let (store, summary) = ReportStore.load([.path(dir)], options: options)

        func reason(_ name: String) -> ImportIssue? { summary.issues.first { $0.path.hasSuffix("/" + name) } }
        #expect(reason("badutf8.txt")?.code == .invalidUTF8)
        #expect(reason("empty.txt")?.code == .empty)
        #expect(reason("big.txt")?.code == .tooLarge)
        #expect(reason("d2/dup.txt")?.reason.contains("duplicate") == true)
        #expect(reason(".txt")?.code == .invalidID)
        #expect(reason("tab\there.txt")?.code == .invalidID)
        if !runningAsRoot { #expect(reason("locked.txt")?.code == .io) }
        #expect(try store.text(for: id("good")) == Array("tốt".utf8))
        #expect(try store.text(for: id("dup")) == Array("đầu tiên".utf8), "first one wins")
        #expect(summary.loaded + summary.skipped == 9)
        #expect(summary.skipped == summary.issues.count)
        #expect(reason("big.txt")!.description == dir + "/big.txt: " + reason("big.txt")!.reason)
    }

    @Test("JSON Lines: good lines load, bad lines are issues with their line numbers")
    func jsonLines() throws {
        let lines = [
            #"{"id": "r1", "text": "Báo cáo một\r\nhai"}"#,
            ##"{"id": "r2", "text": "# not json"##,
            "",
            #"{"id": "", "text": "id rỗng"}"#,
            #"{"id": "r3"}"#,
            #"{"id": "r1", "text": "trùng"}"#,
            #"{"id": "a/b", "text": "có gạch chéo"}"#,
            #"{"id": "r4", "text": ""}"#,
            #"[1, 2]"#,
            #"{"id": "r5", "text": "cuối cùng"}"#,
            #"{"id": ""# + String(repeating: "ă", count: 128) + #"", "text": "id 256 byte"}"#,
        ]
        var data = Array(lines.joined(separator: "\n").utf8)
        data += Array("\n".utf8) + [0x7B, 0xFF, 0x7D] + Array("\n".utf8)  // line 12: invalid UTF-8
        let (store, summary) = ReportStore.load([.jsonLines(data: data, name: "input.jsonl")])
        #expect(summary.loaded == 2)
        let byLine = Dictionary(summary.issues.map { ($0.line ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(byLine.keys) == [2, 4, 5, 6, 7, 8, 9, 11, 12])
        #expect(byLine[6]?.reason.contains("duplicate") == true)
        #expect(byLine[11]?.code == .invalidID)
        #expect(byLine[12]?.code == .invalidUTF8)
        #expect(byLine[2]?.description.hasPrefix("input.jsonl:2: ") == true)
        #expect(try store.text(for: id("r1")) == Array("Báo cáo một\r\nhai".utf8))
        #expect(try store.text(for: id("r5")) == Array("cuối cùng".utf8))
    }

    @Test("a .jsonl file found in a directory is read as JSON Lines next to .txt files")
    func jsonLinesFileInDirectory() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        try Fixtures.write(Array(#"{"id":"j1","text":"từ jsonl"}"#.utf8) + [0x0A], to: "sub/batch.ndjson", in: dir)
        try Fixtures.write(Array("từ txt".utf8), to: "t1.txt", in: dir)
        let (store, summary) = ReportStore.load([.path(dir), .path(dir + "/missing")])
        #expect(summary.loaded == 2)
        #expect(summary.issues.map(\.path) == [dir + "/missing"])
        #expect(try store.text(for: id("j1")) == Array("từ jsonl".utf8))
    }

    @Test("progress is reported during a long import, with growing counts")
    func progress() throws {
        let counts = LockedBox<[Int]>([])
        var options = ImportOptions()
        options.progressInterval = 0
        var data: [UInt8] = []
        for i in 0..<200 {
            let text = String(decoding: Fixtures.report(seed: UInt64(i)), as: UTF8.self)
            let line = try JSONSerialization.data(withJSONObject: ["id": "p\(i)", "text": text])
            data += Array(line) + [0x0A]
        }
        let (_, summary) = ReportStore.load([.jsonLines(data: data, name: "p")], options: options) { p in
            if p.phase == .reading { counts.mutate { $0.append(p.filesDone) } }
        }
        #expect(summary.loaded == 200)
        let seen = counts.value
        #expect(!seen.isEmpty)
        #expect(seen == seen.sorted())
    }
}

/// A tiny thread-safe box for collecting values from callbacks.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
