// Shell: `reportctl shell` (and `reportctl` alone on a terminal) — a prompt with line editing
// and history, like redis-cli and sqlite3. Each line is one reportctl command line without
// the `reportctl` (`get 21454551`, `search Bộ Công Thương -n 5`, `count dang uy`, `stats`), run
// by the same command types as the command line, so answers print exactly as they do there.
// `help` lists the commands, `help search` shows one's help, `quit` (or Ctrl-D) leaves.
// Ctrl-C at the prompt drops the line being typed and prompts again (as bash, sqlite3 and psql
// do); while a command runs it stops reportctl, as on the command line.
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

/// Set by SIGINT while the prompt waits for a line (a signal handler can capture nothing).
nonisolated(unsafe) private var promptInterrupted: sig_atomic_t = 0
/// The signal mask while readKey waits for a key: the caller's, with SIGINT let through. SIGINT
/// is blocked everywhere else during the prompt, so it can only arrive inside that wait.
nonisolated(unsafe) private var promptWaitMask = sigset_t()

/// libedit's key source at the prompt (rl_getc_function): one character from stdin, or EOF when
/// the terminal closed or SIGINT arrived (`promptInterrupted` tells which), so Ctrl-C ends the
/// wait — libedit's own reader retries the read a signal interrupts. A Ctrl-C that comes while
/// libedit is busy between two keys stays pending and ends the next wait (pselect), so the line
/// typed so far is always dropped. libedit takes the value as one wide character, so UTF-8 is
/// decoded here; a malformed sequence gives U+FFFD.
private func readKey(_ file: UnsafeMutablePointer<FILE>?) -> Int32 {
    let fd = file.map { fileno($0) } ?? 0
    func byte() -> Int32? {
        var c: UInt8 = 0
        while true {
            if promptInterrupted != 0 { return nil }
            if reportctl_wait_readable(fd, &promptWaitMask) < 0 {
                if errno == EINTR { continue }
                return nil
            }
            let n = read(fd, &c, 1)
            if n == 1 { return Int32(c) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            return nil
        }
    }
    guard let lead = byte() else { return EOF }
    let length = lead < 0x80 ? 1 : lead >= 0xF8 || lead < 0xC0 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    if length == 1 { return lead }
    if length == 0 { return 0xFFFD }
    var scalar = lead & (0x7F >> Int32(length))
    for _ in 1..<length {
        guard let next = byte() else { return EOF }
        guard next & 0xC0 == 0x80 else { return 0xFFFD }
        scalar = scalar << 6 | (next & 0x3F)
    }
    return scalar
}

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
            Ctrl-C drops the line being typed; quit or Ctrl-D leaves.
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
        reportctl_set_getc_function(readKey)
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
        while let line = prompt() {
            let words = ShellWords.split(line)
            guard let name = words.first else { continue }
            add_history(line)
            if let history { _ = write_history(history) }
            if name == "quit" || name == "exit" { return }
            execute(words, prefix: prefix)
        }
        StandardOutput.write("\n")
    }

    /// One line typed at the prompt; nil at end of input (Ctrl-D). SIGINT while the prompt waits
    /// ends libedit's wait (readKey): the line being typed is dropped and the prompt shown again.
    private static func prompt() -> String? {
        while true {
            promptInterrupted = 0
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in promptInterrupted = 1 }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: the wait for a key must end
            var previous = sigaction()
            sigaction(SIGINT, &action, &previous)
            // SIGINT is blocked except while readKey waits for a key, and let through there even
            // if a parent left it blocked (the mask is inherited): Ctrl-C must reach the prompt.
            var interrupt = sigset_t()
            sigemptyset(&interrupt)
            sigaddset(&interrupt, SIGINT)
            var mask = sigset_t()
            pthread_sigmask(SIG_BLOCK, &interrupt, &mask)
            promptWaitMask = mask
            sigdelset(&promptWaitMask, SIGINT)
            let raw = readline("reportctl> ")
            pthread_sigmask(SIG_SETMASK, &mask, nil)
            sigaction(SIGINT, &previous, nil)
            if let raw {
                defer { free(raw) }
                return String(cString: raw)
            }
            guard promptInterrupted != 0 else { return nil }
            StandardOutput.write("^C\n")
        }
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
