// CommandSuggestion: "did you mean" for a mistyped subcommand (`reportctl serch` →
// search), for the command line and the shell. Stateless.
import ArgumentParser
import ServiceSupport

/// Finds the subcommand word of an argument list and suggests the closest known name.
enum CommandSuggestion {
    /// The subcommands' names, and `help`.
    static var commandNames: [String] {
        ReportCtl.configuration.subcommands.map { $0._commandName } + ["help"]
    }

    /// Root options that take a value (the word after them is not the subcommand).
    private static let valueOptions: Set<String> = ["--socket", "-s", "--color", "--timeout", "-t", "--generate-completion-script"]

    /// The index of the subcommand's name: the first word that is not a root option or
    /// its value; nil when there is none (or only after `--`).
    static func commandIndex(in arguments: [String]) -> Int? {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { return nil }
            guard word.hasPrefix("-") else { return index }
            index += valueOptions.contains(word) ? 2 : 1
        }
        return nil
    }

    /// A message when the subcommand's name is no known subcommand, or `help` is asked about
    /// one (`help serch`, which would otherwise print the overview and succeed); nil when it is
    /// one, or when there is no subcommand.
    static func unknownCommand(in arguments: [String]) -> String? {
        guard let index = commandIndex(in: arguments) else { return nil }
        if arguments[index] == "help", index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-"),
            !commandNames.contains(arguments[index + 1])
        {
            return message(for: arguments[index + 1])
        }
        guard !commandNames.contains(arguments[index]) else { return nil }
        return message(for: arguments[index])
    }

    /// "unknown command 'serch'; did you mean 'search'?" or the list of commands.
    static func message(for word: String) -> String {
        if let close = closest(to: word) {
            return "unknown command '\(word)'; did you mean '\(close)'? (reportctl --help lists them)"
        }
        return "unknown command '\(word)'; the commands are \(commandNames.joined(separator: ", "))"
    }

    /// The known name within two edits of `word` (a third of its length for short words), if any.
    static func closest(to word: String) -> String? {
        let limit = min(2, max(1, word.count / 3))
        let scored = commandNames.map { ($0, EditDistance.levenshtein($0, word)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }
}
