// Get: `reportctl get ID...` and `reportctl get -`. Ids are sent as MGET requests of
// up to --batch ids, pipelined (--window requests in flight), and printed in input
// order as the answers arrive, so a batch of thousands costs about its bytes; with -,
// StreamingBatch prints each answer while stdin is still open.
import ArgumentParser
import NIOCore
import ReportClient
import ReportProtocol

#if canImport(Glibc)
import Glibc
#endif

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print reports by id.",
        discussion: """
            With one id the report's exact bytes go to stdout when it is a file or a pipe; on a \
            terminal, control characters other than tab and newline (escape sequences, DEL, \
            U+0080-U+009F) are shown as \\xHH, and bidi controls (U+061C, U+200E-U+200F, U+202A-U+202E, \
            U+2066-U+2069), U+2028, U+2029 and U+FEFF as \\u{HHHH} (e.g. \\u{202E}), so a report can \
            neither drive the terminal nor reorder what it shows. With several ids (or -), \
            each report is preceded by a line '==> ID <==', and a missing id gets the line \
            '==> ID <== (not found)'. With --json, one object per id: {"id": ..., "found": true, \
            "text": ...} or {"id": ..., "found": false}. Every id asked for gets one record in \
            its place, in order; one the server refused gets {"id": ..., "error": ...} \
            (text: '==> ID <== (error: ...)') and makes the exit status that of the error.
            A missing id is reported on stderr and makes the exit status 1. With -, each answer \
            is printed as soon as it arrives, while stdin is still open (ids from a coprocess, \
            tail -f or a terminal; when reportd closed the connection for idleness, the next id \
            goes out on a new one); a batch from a file is sent as full, pipelined MGETs.

            Examples (ids of ../shared/corpus/vn-news-dev):
              reportctl get 21454551 > report.txt
              reportctl get 21454551 21459320 --json
              ls ../shared/corpus/vn-news-dev | cut -d. -f1 | reportctl get - --json > reports.jsonl
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    @Argument(help: ArgumentHelp(
            "Report ids, or - to read ids from stdin, one per line (only the \\n or \\r\\n ending a line is stripped: blanks are part of an id).",
            valueName: "id"))
    var ids: [String]

    @Option(help: ArgumentHelp("Ids per MGET request (capped by the server's limit).", valueName: "n"))
    var batch: Int = 100

    @Option(help: ArgumentHelp("MGET requests in flight at once.", valueName: "n"))
    var window: Int = 8

    mutating func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give at least one id, or - to read ids from stdin") }
        if ids.contains("-") && ids.count > 1 {
            throw ValidationError("- (ids from stdin) cannot be combined with ids on the command line")
        }
        guard batch > 0, window > 0 else { throw ValidationError("--batch and --window must be positive") }
    }

    func run() throws {
        if ids != ["-"] {
            do { try WireLimit.check("id", ids) } catch { throw ExitStatus.fail(error) }
        }
        let client = try connection.connect()
        let fromStdin = ids == ["-"]
        var printer = ReportPrinter(json: connection.json, headers: fromStdin || ids.count > 1, terminal: isatty(1) == 1)
        let size = min(batch, client.maxBatchItems)
        do {
            if fromStdin {
                // Streaming: each answer is printed as soon as it and those before it arrived.
                try StreamingBatch(
                    connection: client.connection, groupSize: size, window: window, reconnect: connection.reconnector()
                ).run(
                    // An id the wire cannot carry goes as the empty id, which holds its place.
                    request: { .mget(ids: $0.map { WireLimit.refusal("id", $0) == nil ? $0 : "" }, raw: false) },
                    answer: { (sent: [String], response: Response) throws(ClientError) in
                        try Self.print(sent, response, to: &printer)
                    },
                    idle: { printer.finish() })
            } else {
                let groups = stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min($0 + size, ids.count)]) }
                try client.pipeline(groups.map { Request.mget(ids: $0, raw: false) }, window: window) {
                    (index: Int, response: Response) throws(ClientError) in
                    try Self.print(groups[index], response, to: &printer)
                }
            }
        } catch {
            printer.finish()
            throw ExitStatus.fail(error)
        }
        printer.finish()
        if printer.failed != 0 { throw ExitCode(printer.failed) }
        if printer.missing > 0 {
            throw ExitCode(ExitStatus.notFound)
        }
    }

    /// Prints the answer to one MGET of `sent`; a refused MGET gives each of its ids an error record.
    private static func print(_ sent: [String], _ response: Response, to printer: inout ReportPrinter) throws(ClientError) {
        if case .failure(let status, let message) = response {
            for id in sent { printer.printError(id: id, status: status, message: "MGET failed: \(status): \(message)") }
            printer.failed = ExitStatus.code(for: ClientError(.server(status), message))
            return
        }
        guard case .reports(let items) = try ReportClient.expectOK(response, "MGET") else {
            throw ClientError(.protocolViolation, "reportd answered MGET with something else")
        }
        guard items.count == sent.count else {
            throw ClientError(.protocolViolation, "reportd answered \(items.count) items for \(sent.count) ids")
        }
        for (id, item) in zip(sent, items) {
            if let reason = WireLimit.refusal("id", id) {
                printer.printError(id: id, status: nil, message: reason)
                printer.failed = ExitStatus.code(for: ClientError(.invalidArgument, reason))
            } else {
                printer.print(id: id, item: item)
            }
        }
    }
}
