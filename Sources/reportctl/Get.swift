// Get: `reportctl get ID...` and `reportctl get -`. Ids are sent as MGET requests of
// up to --batch ids, pipelined (--window requests in flight), and printed in input
// order as the answers arrive, so a batch of thousands costs about its bytes.
import ArgumentParser
import NIOCore
import ReportClient
import ReportProtocol

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print reports by id.",
        discussion: """
            With one id the report's exact bytes go to stdout. With several ids (or -), \
            each report is preceded by a line '==> ID <=='. With --json, one object per id: \
            {"id": ..., "found": true, "text": ...} or {"id": ..., "found": false}.
            A missing id is reported on stderr and makes the exit status 1.

            Examples:
              reportctl get 21395276 > report.txt
              reportctl get 21395276 21395277 --json
              cut -d. -f1 ids.txt | reportctl get - --json > reports.jsonl
            """
    )

    @ParentCommand var root: ReportCtl
    private var connection: ConnectionOptions { root.connection }

    @Argument(help: ArgumentHelp("Report ids, or - to read ids from stdin, one per line.", valueName: "id"))
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
        let client = try connection.connect()
        let fromStdin = ids == ["-"]
        let source: AnySequence<String> = fromStdin ? AnySequence(StandardInputLines()) : AnySequence(ids)
        let batches = IDBatches(ids: source.makeIterator(), size: min(batch, client.maxBatchItems))
        let headers = fromStdin || ids.count > 1
        var printer = ReportPrinter(json: connection.json, headers: headers)
        do {
            try client.pipeline(batches.requests, window: window) { (index: Int, response: Response) throws(ClientError) in
                let items: [ReportItem]
                if case .reports(let answered) = try ReportClient.expectOK(response, "MGET") {
                    items = answered
                } else {
                    throw ClientError(.protocolViolation, "reportd answered MGET with something else")
                }
                let sent = batches.ids(of: index)
                guard items.count == sent.count else {
                    throw ClientError(.protocolViolation, "reportd answered \(items.count) items for \(sent.count) ids")
                }
                for (id, item) in zip(sent, items) {
                    printer.print(id: id, item: item)
                }
                batches.forget(index)
            }
        } catch {
            printer.finish()
            throw ExitStatus.fail(error)
        }
        printer.finish()
        if printer.missing > 0 {
            throw ExitCode(ExitStatus.notFound)
        }
    }
}

/// Groups ids into MGET requests and remembers each request's ids until answered.
final class IDBatches {
    private var source: AnyIterator<String>
    private let size: Int
    private var pending: [Int: [String]] = [:]
    private var next = 0

    init(ids: some IteratorProtocol<String>, size: Int) {
        var iterator = ids
        self.source = AnyIterator { iterator.next() }
        self.size = max(1, size)
    }

    /// The MGET requests, produced lazily as the pipeline asks for them.
    var requests: AnySequence<Request> {
        AnySequence {
            AnyIterator {
                var chunk: [String] = []
                chunk.reserveCapacity(self.size)
                while chunk.count < self.size, let id = self.source.next() {
                    chunk.append(id)
                }
                guard !chunk.isEmpty else { return nil }
                self.pending[self.next] = chunk
                self.next += 1
                return .mget(ids: chunk, raw: false)
            }
        }
    }

    /// The ids sent in request number `index`.
    func ids(of index: Int) -> [String] { pending[index] ?? [] }

    /// Drops the ids of an answered request.
    func forget(_ index: Int) { pending[index] = nil }
}

/// Lines of stdin with surrounding whitespace trimmed and blank lines skipped.
struct StandardInputLines: Sequence, IteratorProtocol {
    mutating func next() -> String? {
        while let line = readLine(strippingNewline: true) {
            let trimmed = line.trimmingWhitespace()
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
