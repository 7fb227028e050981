// Integration tests: the real reportd binary serves GET and MGET byte for byte,
// through ReportClient and through reportctl.
import Foundation
import NIOCore
import ReportClient
import ReportProtocol
import ReportStore
import Testing

@Suite("GET and MGET against a real reportd")
struct GetTests {
    @Test("GET returns every imported report byte for byte")
    func getIsByteIdentical() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        for (id, bytes) in Fixtures.reports {
            guard case .plain(let text) = try client.get(id) else {
                Issue.record("report \(id) missing")
                continue
            }
            #expect(Array(text.readableBytesView) == bytes, "report \(id) differs")
        }
        #expect(try client.get("nope") == .missing)
    }

    @Test("MGET answers in request order with per-item not-found")
    func mgetKeepsOrder() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        let ids = ["1003", "missing-1", "1001", "2000", "", "1001"]
        let items = try client.mget(ids)
        #expect(items.count == ids.count)
        for (id, item) in zip(ids, items) {
            if let expected = Fixtures.reports[id] {
                #expect(item == .plain(ByteBuffer(bytes: expected)), "item \(id)")
            } else {
                #expect(item == .missing, "item \(id)")
            }
        }
    }

    @Test("an MGET answer of exactly maxFrameBytes is sent; one byte more is TOO_MANY_ITEMS, and a missing GET id is NOT_FOUND first")
    func answerSizeLimit() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        // The 600 KB report and every small one, then a missing id: the frame limit is exactly their
        // answer's body (status, item count, per item kind + length + text, or kind for missing).
        let ids = ["2000", "1001", "1002", "1003", "1004", "1005", "a.b"]
        let texts = try ids.map { try #require(Fixtures.reports[$0]) }
        let exact = 2 + 4 + texts.reduce(0) { $0 + 5 + $1.count } + 1
        // The largest report limit that frame admits (reportd refuses a larger --max-report-bytes).
        #expect(exact - 261 >= texts[0].count, "the large report fits the limit")
        let daemon = try DaemonProcess(arguments: [
            "--import", corpus.path, "--max-frame-bytes", "\(exact)", "--max-report-bytes", "\(exact - 261)",
        ])
        let client = try ReportClient(socketPath: daemon.socketPath)
        let items = try client.mget(ids + ["nope"])
        #expect(items == texts.map { .plain(ByteBuffer(bytes: $0)) } + [.missing])
        // One missing item more: one byte over.
        do {
            _ = try client.mget(ids + ["nope", "nope"])
            Issue.record("an answer one byte over maxFrameBytes must be refused")
        } catch {
            #expect(error.code == .server(.tooManyItems), "\(error)")
        }
        #expect(try client.get("2000") == .plain(ByteBuffer(bytes: texts[0])), "a report within max-report-bytes always fits a GET answer")
        #expect(try client.get("nope") == .missing)
        // The connection is still good after the refusals.
        #expect(try client.get("1001") == .plain(ByteBuffer(bytes: texts[1])))
    }

    @Test("pipelined requests are answered in order with their request ids")
    func pipelinedInOrder() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let connection = try ReportConnection(path: daemon.socketPath)
        var sent: [UInt32] = []
        for n in 0..<500 {
            sent.append(connection.send(n % 2 == 0 ? .get(id: "1001", raw: false) : .ping(ByteBuffer(string: "\(n)"))))
        }
        for (n, id) in sent.enumerated() {
            let (header, response) = try connection.receive()
            #expect(header.requestID == id)
            if n % 2 == 1 {
                #expect(response == .pong(ByteBuffer(string: "\(n)")))
            }
        }
    }

    @Test("RAW items inflate to the original text with the server's dictionary")
    func rawItemsRoundTrip() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        let dictionary = try client.dictionary()
        let items = try client.mget(["1001", "2000", "zzz"], raw: true)
        guard case .deflate(let dictionaryID, let length, _) = items[0] else {
            Issue.record("expected a deflate item, got \(items[0])")
            return
        }
        #expect(dictionaryID == dictionary.dictionaryID)
        #expect(Int(length) == Fixtures.reports["1001"]!.count)
        #expect(items[2] == .missing)
        let inflater = try UnitInflater(dictionary: Array(dictionary.bytes.readableBytesView))
        for (id, item) in zip(["1001", "2000"], items) {
            guard case .deflate(_, let textLength, let bytes) = item else {
                Issue.record("expected a deflate item for \(id)")
                continue
            }
            let text = try bytes.withUnsafeReadableBytes { try inflater.inflate($0, textLength: Int(textLength)) }
            #expect(text == Fixtures.reports[id]!, "report \(id) after client-side inflate")
        }
    }
}
