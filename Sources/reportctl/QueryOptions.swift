// QueryOptions: what `search` and `count` share — the query words, --fold and --window — and the
// QueryRun they start from, so both commands read, validate and run a query the same way. A
// ParsableArguments value; no shared state.
import ArgumentParser

/// The query words and options common to `search` and `count`.
struct QueryOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp("The query (all remaining words), or - to read one query per line from stdin.", valueName: "query"))
    var words: [String] = []

    @Flag(help: "Also match accented terms without their marks (exact spellings rank first).")
    var fold = false

    @Option(help: ArgumentHelp("Queries in flight at once with -.", valueName: "n"))
    var window: Int = 16

    mutating func validate() throws {
        guard !words.isEmpty else { throw ValidationError("give a query, or - to read one query per line from stdin") }
        guard window > 0 else { throw ValidationError("--window must be positive") }
    }

    /// A run of this query (mode .count until the caller says otherwise).
    func run(options: ConnectionOptions) -> QueryRun {
        var run = QueryRun(query: words.joined(separator: " "), options: options)
        run.window = window
        run.fold = fold
        run.mode = .count
        return run
    }
}
