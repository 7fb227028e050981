// Search against a real reportd: queries that used to kill it (16,000 nested '(' overflowed the
// parser's stack) are answered with BAD_QUERY and the daemon keeps serving; best match, ALL_WORDS
// and the details block over the socket.
import Foundation
import ReportClient
import ReportProtocol
import Testing

@Suite("search limits and best match against a real reportd")
struct SearchLimitTests {
    @Test("deeply nested and unbalanced parentheses get BAD_QUERY; the daemon survives")
    func nestingIsRefused() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        let nested = String(repeating: "(", count: 16_000) + "a" + String(repeating: ")", count: 16_000)
        for query in [nested, String(repeating: "(", count: 20_000), String(repeating: "(", count: 5_000)] {
            #expect(try client.connection.call(.search(SearchRequest(query: query))).status == .badQuery)
            #expect(try client.connection.call(.count(query: query, fold: false)).status == .badQuery)
        }
        #expect(daemon.process.isRunning)
        #expect(try client.connection.call(.ping(.init())).status == .ok)
    }

    @Test("PROTOCOL §7's query limits: no word count (1,000 words are answered), 8,192 characters, groups 32 deep")
    func queryLimits() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        func status(_ query: String) throws -> Status {
            try client.connection.call(.search(SearchRequest(query: query))).status
        }
        #expect(try status((0..<1000).map { "w\($0)" }.joined(separator: " ")) == .ok)
        let longest = String(repeating: "ab ", count: 2730) + "ab"
        #expect(longest.count == 8192)
        #expect(try status(longest) == .ok)
        #expect(try status(longest + "c") == .badQuery)
        let deepest = String(repeating: "(", count: 32) + "a" + String(repeating: ")", count: 32)
        #expect(try status(deepest) == .ok)
        #expect(try status("(" + deepest + ")") == .badQuery)
    }

    @Test("PROTOCOL §5.7: only best match over two clauses or more adds 10^9 for every clause")
    func everyClauseBonus() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        func top(_ query: String, allWords: Bool = false) throws -> Double {
            try #require(try client.search(SearchRequest(query: query, allWords: allWords)).hits.first).score
        }
        #expect(try top("tổng kết") > 1e9, "two plain words, best match, a report with both")
        #expect(try top("tổng kết -zzz") > 1e9, "an exclusion is not a clause")
        for query in ["tổng", "\"tổng kết\"", "(tổng kết)", "+tổng +kết"] {
            #expect(try top(query) < 1e9, "\(query): one clause, or every clause required")
        }
        #expect(try top("tổng kết", allWords: true) < 1e9, "ALL_WORDS")
    }

    @Test("best match returns partial matches with their word counts; ALL_WORDS the strict page")
    func bestMatchOverTheSocket() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        let query = "Đảng khôngcótừnày"
        guard case .search(let best) = try client.connection.call(.search(SearchRequest(query: query, limit: 50, details: true))),
            case .search(let strict) = try client.connection.call(.search(SearchRequest(query: query, limit: 50, allWords: true))),
            case .count(let count) = try client.connection.call(.count(query: query, fold: false))
        else {
            Issue.record("unexpected answers")
            return
        }
        #expect(count == 0 && best.totalHits == 0 && strict.totalHits == 0)
        #expect(strict.hits.isEmpty)
        #expect(!best.hits.isEmpty)
        let details = try #require(best.details)
        #expect(details.queryWords == 2)
        #expect(details.matchedWords == [UInt16](repeating: 1, count: best.hits.count))
        #expect(strict.details == nil)
    }
}
