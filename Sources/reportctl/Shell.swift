// Shell: `reportctl shell` (and `reportctl` alone on a terminal) — a prompt with line editing
// and history, like redis-cli and sqlite3. Each line is one reportctl command line without
// the `reportctl` (`get 21454551`, `search Bộ Công Thương -n 5`, `count dang uy`, `stats`), run
// by the same command types as the command line, so answers print exactly as they do there.
// `help` lists the commands, `help search` shows one's help, `quit` (or Ctrl-D) leaves.
//
// Line editing is the system's libedit through its readline-compatible API (CEditLine; see
// Package.swift). History is kept in $XDG_STATE_HOME/reportctl/history (default
// ~/.local/state/reportctl/history), written after every line so a killed shell loses none.
// Words are split at blanks; '…' groups words, "…" groups them and, in a query, stays a phrase.
// Not thread-safe: one per process.
import ArgumentParser
import CEditLine
import ServiceSupport

#if canImport(Glibc)
import Glibc
#endif

struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Interactive prompt with line editing and history (also: reportctl alone on a terminal).",
        discussion: """
            Type commands as on the command line, without `reportctl`:
              get 21454551
              search Bộ Công Thương -n 5
              count dang uy
              stats
              help search
              quit
            History: $XDG_STATE_HOME/reportctl/history (default ~/.local/state/reportctl/history).
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions

    func run() throws {
        try Self.run(connection: shared.merged(over: root.connection))
    }

    /// Runs the prompt until `quit` or end of input.
    static func run(connection: ConnectionOptions) throws {
        // libedit reads multibyte characters only in a UTF-8 locale; without one, "tế" would
        // arrive as "t". Take the user's, falling back to C.UTF-8 when it is not UTF-8.
        let locale = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? ""
        if !locale.uppercased().contains("UTF") { _ = setlocale(LC_CTYPE, "C.UTF-8") }
        let history = historyPath()
        if let history {
            using_history()
            stifle_history(1000)
            _ = read_history(history)
        }
        StandardOutput.write(
            "reportctl \(ProductVersion.current) on \(connection.socketPath): type help for the commands, quit to leave\n")
        // The shell's own options go before every command, where the command line takes them.
        var prefix: [String] = []
        if let socket = connection.socket { prefix += ["--socket", socket] }
        if connection.json { prefix.append("--json") }
        if let color = connection.color { prefix += ["--color", color.rawValue] }
        if let timeout = connection.timeout { prefix += ["--timeout", "\(timeout)"] }
        while let raw = readline("reportctl> ") {
            let line = String(cString: raw)
            free(raw)
            let words = ShellWords.split(line)
            guard let name = words.first else { continue }
            add_history(line)
            if let history { _ = write_history(history) }
            if name == "quit" || name == "exit" { return }
            execute(words, prefix: prefix)
        }
        StandardOutput.write("\n")
    }

    /// Runs one line's command; its failures are printed and the shell goes on.
    private static func execute(_ words: [String], prefix: [String]) {
        if words == ["help"] {
            StandardOutput.write(commandList)
            return
        }
        if words[0] == "shell" {
            StandardError.print("reportctl: already in the shell")
            return
        }
        if let message = CommandSuggestion.unknownCommand(in: words) {
            StandardError.print("reportctl: \(message)")
            return
        }
        // A query keeps its double quotes (phrases); other commands get plain words.
        let isQuery = words[0] == "search" || words[0] == "count"
        let arguments = isQuery ? words : words.map { $0.filter { $0 != "\"" } }
        do {
            var command = try ReportCtl.parseAsRoot(QueryArguments.rewrite(prefix + arguments))
            try command.run()
        } catch let error as ExitCode {
            _ = error  // the command printed why
        } catch {
            let text = ReportCtl.fullMessage(for: error)
            if ReportCtl.exitCode(for: error) == .success {
                StandardOutput.write(text + "\n")
            } else {
                StandardError.print(text)
            }
        }
    }

    private static var commandList: String {
        var text = "Commands (as on the command line; `help COMMAND` for one's options):\n"
        for command in ReportCtl.configuration.subcommands where command._commandName != "shell" {
            let name = command._commandName
            text += "  " + name + String(repeating: " ", count: max(1, 10 - name.count)) + command.configuration.abstract + "\n"
        }
        return text + "  quit      Leave the shell (or Ctrl-D).\n"
    }

    /// $XDG_STATE_HOME/reportctl/history, else ~/.local/state/reportctl/history, with its
    /// directory created; nil when neither variable is usable (history then stays in memory).
    static func historyPath() -> String? {
        let base: String
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), state.hasPrefix("/") {
            base = state
        } else if let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") {
            base = home + "/.local/state"
        } else {
            return nil
        }
        let directory = base + "/reportctl"
        var path = ""
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST { return nil }
        }
        return directory + "/history"
    }
}
