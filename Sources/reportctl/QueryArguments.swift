// QueryArguments: makes `search` and `count` take their words as typed. Before parsing, the
// words after the subcommand are split into options (with their values) and query words, in
// order, and rewritten as `search OPTIONS -- WORDS`. A word is an option when it starts with
// `--`, or is exactly one of the short options (`-n`); any other word starting with `-`
// (`-COVID`, `-nuoc`, `-2020`) is a query word — an exclusion — rather than an unknown or
// grouped short option. Stateless.

/// The argument rewrite for the query subcommands.
enum QueryArguments {
    static let commands: Set<String> = ["search", "count"]

    /// Options of search/count that take a value (the next word is the value, not a query word).
    /// Add a new value option here as well as in Search/Count.
    static let valueOptions: Set<String> = ["-n", "-l", "--limit", "--offset", "--window", "-s", "--socket", "--color", "-t", "--timeout"]

    /// Short options of search/count that take no value.
    static let shortFlags: Set<String> = ["-c", "-j", "-h"]

    /// `arguments` with a search/count command's words moved behind `--`; others unchanged.
    static func rewrite(_ arguments: [String]) -> [String] {
        guard let index = CommandSuggestion.commandIndex(in: arguments), commands.contains(arguments[index]) else {
            return arguments
        }
        var options: [String] = []
        var words: [String] = []
        var position = index + 1
        while position < arguments.count {
            let word = arguments[position]
            position += 1
            if word == "--" {
                words += arguments[position...]
                break
            }
            if valueOptions.contains(word) {
                options.append(word)
                if position < arguments.count {
                    options.append(arguments[position])
                    position += 1
                }
            } else if word.hasPrefix("--") || shortFlags.contains(word) {
                options.append(word)
            } else {
                words.append(word)
            }
        }
        return Array(arguments[...index]) + options + (words.isEmpty ? [] : ["--"] + words)
    }
}
