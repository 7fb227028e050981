// Search and Count: `reportctl search WORDS...`, `reportctl count WORDS...` and their `-`
// forms. The words after the subcommand form one query, as typed: `search Bộ Công Thương`
// needs no quotes, and a word starting with `-` that is not one of the options below is an
// exclusion (`search -COVID kinh tế`). `-` reads one query per line from stdin; QueryRun
// sends them and prints each answer as it arrives, in input order.
import ArgumentParser
import ReportClient
import ReportProtocol

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Full-text search, ranked (BM25, title weighted above body).",
        discussion: """
            The words after `search` form the query; quotes are needed only for the shell's sake \
            (a phrase's double quotes, or characters such as * and ( ). Query language: words (best \
            match: reports with every word first, then those with most of them; +word requires a \
            word, --all requires every one), "exact phrases", a OR b, -exclusion, prefix*, \
            title:term or title:"a phrase". A word starting with - that is not an option below is an exclusion. \
            A term typed without tone marks matches every spelling with those letters (dang: \
            Đảng, đang, dáng); a term typed with marks matches that spelling only, unless --fold \
            is given. Best match over two clauses or more (not all +word) widens plain words: \
            in a query with no tone mark at all, a word with other marks takes any tone (Ha Nôi \
            finds Hà Nội); in one with tones and without --fold, a toned syllable spelt with i \
            or y after h, k, l, m, qu, s, t or v also matches the other spelling (kĩ thuật \
            finds kỹ thuật). The total, --count, --all, phrases and a quoted word ("Nôi") take \
            the words as typed. The full rules: protocol/PROTOCOL.md, Appendix A.

            Examples:
              reportctl search Bộ Công Thương
              reportctl search '"xây dựng Đảng"' -COVID -n 20 --json
              reportctl search dang uy --count
              reportctl search Ha Nôi mưa lơn          # typed without tones: finds Hà Nội mưa lớn
              reportctl search giá vàng hôm nay bao nhiêu --all
              reportctl search bitcoin --ids-only --limit 1000 --json   # ids and scores only
              printf 'Hà Nội\\n"kinh tế" 2020\\n' | reportctl search - --json

            With -, each answer is printed as soon as it arrives, while stdin is still open (after \
            a pause past reportd's idle timeout, on a new connection), and every line gets one \
            record in its place: a failed query prints 'error: query ...' ({"query": ..., \
            "error": ...} with --json). \
            Matches and titles are shown in bold on a terminal (see --color) and matches between \
            [ and ] otherwise; snippets are wrapped to the terminal's width. Control characters in \
            titles and snippets (escape sequences, DEL, U+0080-U+009F) are shown as \\xHH, bidi controls \
            (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), U+2028, U+2029 and U+FEFF as \
            \\u{HHHH} (--json: \\u00HH and \\uhhhh), so a report can neither drive the terminal nor \
            reorder what it shows. Exit status 65 when \
            a query is malformed (the message says why).
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    @OptionGroup var query: QueryOptions

    // .unconditional: `-n -1` is a value to refuse with the range, not a missing value.
    @Option(
        name: [.customShort("n"), .customShort("l"), .long], parsing: .unconditional,
        help: ArgumentHelp("Hits to return per query (default 10, at most 10000).", valueName: "n"),
        transform: { try Search.whole($0, in: 0...10_000) })
    var limit = 10

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Hits to skip, for paging (default 0).", valueName: "n"),
        transform: { try Search.whole($0, in: 0...Int(UInt32.max)) })
    var offset = 0

    @Flag(name: [.customShort("c"), .long], help: "Print only the number of matching reports (as `reportctl count`).")
    var count = false

    @Flag(help: "Print ids and scores only: reportd skips titles and snippets, so a page costs about what ranking costs.")
    var idsOnly = false

    @Flag(help: "Only reports with every word (by default reports with some of the words follow those with all).")
    var all = false

    func run() throws {
        var run = query.run(options: shared.merged(over: root.connection))
        if !count { run.mode = .search(limit: UInt32(limit), offset: UInt32(offset), idsOnly: idsOnly, allWords: all) }
        try run.execute()
    }

    /// `text` as a whole number within `range` (decimal digits only): a larger, negative or
    /// malformed value is refused with the range, never cut to fit the wire's u32.
    static func whole(_ text: String, in range: ClosedRange<Int>) throws -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text), range.contains(number) else {
            throw ValidationError("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count the reports matching a query (as search --count).",
        discussion: """
            The words after `count` form the query, as for search. With -, one output line per \
            stdin line, in order: the count ({"query": ..., "count": n} with --json), or for a \
            query that failed 'error: query ...: why' ({"query": ..., "error": ...}), which also \
            makes the exit status 65 (64 for a query over 65,535 bytes).

            Examples:
              reportctl count dang uy
              reportctl count '"kinh tế"' -COVID
              printf 'Hà Nội\\nĐà Nẵng\\n' | reportctl count - --json
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    @OptionGroup var query: QueryOptions

    func run() throws {
        try query.run(options: shared.merged(over: root.connection)).execute()
    }
}
