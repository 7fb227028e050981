// Search: `reportctl search QUERY` and `reportctl search -`. One query prints ranked
// hits with the matches highlighted; `-` reads one query per line from stdin, sends
// them pipelined, and prints one JSON line (or text block) per query in input order.
import ArgumentParser
import ReportClient
import ReportProtocol

#if canImport(Glibc)
import Glibc
#endif

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Full-text search, ranked (BM25, title weighted above body).",
        discussion: """
            Query language: words (best match: reports with every word first, then those \
            with most of them; +word requires a word, --all requires every one), "exact \
            phrases", a OR b, -exclusion, prefix*, title:term or title:"a phrase". A term typed without tone marks matches \
            every spelling with those letters (dang: Đảng, đang, dáng); a term typed with marks \
            matches that spelling only, unless --fold is given. See docs/TEXT-RULES.md.

            Examples:
              reportctl search 'Bộ Công Thương'
              reportctl search '"xây dựng Đảng" -COVID' --limit 20 --json
              reportctl search 'dang uy' --count
              reportctl search 'giá vàng hôm nay bao nhiêu' --all
              reportctl search 'bitcoin' --ids-only --limit 1000 --json   # ids and scores only
              printf 'Hà Nội\\n"kinh tế" 2020\\n' | reportctl search - --json

            Matches are shown in bold on a terminal and between [ and ] otherwise. \
            Exit status 65 when a query is malformed (the message says why).
            """
    )

    @ParentCommand var root: ReportCtl
    private var connection: ConnectionOptions { root.connection }

    @Argument(help: ArgumentHelp("The query, or - to read one query per line from stdin.", valueName: "query"))
    var query: String

    @Option(help: ArgumentHelp("Hits to return per query.", valueName: "n"))
    var limit: UInt32 = 10

    @Option(help: ArgumentHelp("Hits to skip (for paging).", valueName: "n"))
    var offset: UInt32 = 0

    @Flag(help: "Print only the number of matching reports.")
    var count = false

    @Flag(help: "Also match accented terms without their marks (exact spellings rank first).")
    var fold = false

    @Flag(help: "Print ids and scores only: reportd skips titles and snippets, so a page costs about what ranking costs.")
    var idsOnly = false

    @Flag(help: "Only reports with every word (by default reports with some of the words follow those with all).")
    var all = false

    @Option(help: ArgumentHelp("Queries in flight at once with -.", valueName: "n"))
    var window: Int = 16

    mutating func validate() throws {
        guard window > 0 else { throw ValidationError("--window must be positive") }
        guard limit <= 10_000 else { throw ValidationError("--limit is at most 10000") }
    }

    func run() throws {
        let client = try connection.connect()
        let queries: AnySequence<String> = query == "-" ? AnySequence(StandardInputLines()) : AnySequence([query])
        var printer = SearchPrinter(json: connection.json, highlight: isatty(1) == 1 ? .bold : .brackets)
        var failed: Int32 = 0
        let recorder = QueryRecorder()
        let requests = queries.lazy.map { text -> Request in
            recorder.append(text)
            return count
                ? .count(query: text, fold: fold)
                : .search(
                    SearchRequest(
                        query: text, limit: limit, offset: offset, fold: fold, idsOnly: idsOnly, allWords: all, details: true))
        }
        do {
            try client.pipeline(requests, window: window) { (index: Int, response: Response) throws(ClientError) in
                let text = recorder.take(index)
                switch response {
                case .search(let result):
                    printer.printHits(query: text, result: result, idsOnly: idsOnly)
                case .count(let n):
                    printer.printCount(query: text, count: n)
                case .failure(let status, let message):
                    printer.printError(query: text, status: status, message: message)
                    failed = ExitStatus.code(for: ClientError(.server(status), message))
                default:
                    throw ClientError(.protocolViolation, "reportd answered SEARCH with something else")
                }
            }
        } catch {
            printer.finish()
            throw ExitStatus.fail(error)
        }
        printer.finish()
        if failed != 0 { throw ExitCode(failed) }
    }
}

/// Remembers the text of each query until its answer is printed.
final class QueryRecorder {
    private var texts: [Int: String] = [:]
    private var next = 0

    func append(_ text: String) {
        texts[next] = text
        next += 1
    }

    func take(_ index: Int) -> String {
        texts.removeValue(forKey: index) ?? ""
    }
}
