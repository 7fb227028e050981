// QueryRun: sends the queries of one `search` or `count` (one query, or one per stdin line
// with `-`) and prints each answer through SearchPrinter in input order, as it arrives.
// A query reportd refuses (65), or one too long to send (64), is printed on stderr and, with
// --json or -, in its place on stdout; the others go on, so each stdin line has one record.
// Value type; one per command run.
import ArgumentParser
import NIOCore
import ReportClient
import ReportProtocol

/// One search or count command's queries, sent and printed.
struct QueryRun {
    enum Mode {
        case search(limit: UInt32, offset: UInt32, idsOnly: Bool, allWords: Bool)
        case count
    }

    let query: String
    let options: ConnectionOptions
    var mode: Mode = .count
    var fold = false
    var window = 16

    init(query: String, options: ConnectionOptions) {
        self.query = query
        self.options = options
    }

    func execute() throws {
        if query != "-" {
            do { try WireLimit.check("query", [query]) } catch { throw ExitStatus.fail(error) }
        }
        let client = try options.connect()
        if case .search(let limit, _, _, _) = mode, limit > client.maxBatchItems {
            StandardError.print(
                "reportctl: note: --limit \(limit) is more than reportd's page size \(client.maxBatchItems); at most \(client.maxBatchItems) hits per query are shown (page with --offset)")
        }
        var printer = SearchPrinter(
            json: options.json, color: options.usesColor, width: options.json ? nil : TerminalWidth.ofStandardOutput,
            batch: query == "-")
        if !options.json && options.usesColor { TerminalReset.install() }
        var failed: Int32 = 0
        let mode = self.mode
        let fold = self.fold
        func request(_ text: String) -> Request {
            // A line the wire cannot carry is answered here; a PING holds its place in order.
            if WireLimit.refusal("query", text) != nil { return .ping(ByteBuffer()) }
            switch mode {
            case .count: return .count(query: text, fold: fold)
            case .search(let limit, let offset, let idsOnly, let allWords):
                return .search(
                    SearchRequest(
                        query: text, limit: limit, offset: offset, fold: fold, idsOnly: idsOnly, allWords: allWords, details: true))
            }
        }
        func answer(_ text: String, _ response: Response) throws(ClientError) {
            if let reason = WireLimit.refusal("query", text) {
                printer.printError(query: text, status: nil, message: reason)
                failed = ExitStatus.code(for: ClientError(.invalidArgument, reason))
                return
            }
            switch response {
            case .search(let result):
                if case .search(_, _, let idsOnly, _) = mode {
                    printer.printHits(query: text, result: result, idsOnly: idsOnly)
                }
            case .count(let n):
                printer.printCount(query: text, count: n)
            case .failure(let status, let message):
                printer.printError(query: text, status: status, message: message)
                failed = ExitStatus.code(for: ClientError(.server(status), message))
            default:
                throw ClientError(.protocolViolation, "reportd answered SEARCH with something else")
            }
        }
        do {
            if query == "-" {
                try StreamingBatch(
                    connection: client.connection, groupSize: 1, window: window, reconnect: options.reconnector()
                ).run(
                    request: { request($0[0]) },
                    answer: { (texts: [String], response: Response) throws(ClientError) in try answer(texts[0], response) },
                    idle: { printer.finish() })
            } else {
                try answer(query, client.connection.call(request(query)))
            }
        } catch {
            printer.finish()
            throw ExitStatus.fail(error)
        }
        printer.finish()
        if failed != 0 { throw ExitCode(failed) }
    }
}
