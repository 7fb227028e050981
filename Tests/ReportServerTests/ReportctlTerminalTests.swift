// reportctl as people and scripts use it interactively: batches that answer while stdin is
// still open (a coprocess), the shell on a pseudo-terminal (prompt, history, line editing),
// colour and wrapping on a terminal (and the bold run Ctrl-C interrupts, ended), and words typed
// without quotes.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("reportctl at a terminal and as a coprocess")
struct ReportctlTerminalTests {
    static var reportctl: URL { DaemonProcess.binDirectory.appendingPathComponent("reportctl") }

    static func startDaemon() throws -> (DaemonProcess, URL) {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        return (try DaemonProcess(arguments: ["--import", corpus.path]), corpus)
    }

    /// Reads one line from `fd` within `timeout` seconds (nil if none came).
    static func readLine(_ fd: Int32, buffer: inout [UInt8], timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, Int32(left * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
        }
    }

    @Test(
        "get - and search - answer each line while stdin is still open, in input order",
        arguments: [
            (["get", "-", "--json"], ["1001", "1004\nmissing"], ["\"id\":\"1001\"", "\"id\":\"1004\"", "\"id\":\"missing\""], Int32(1)),
            (["search", "-", "--json"], ["hội nghị", "bình\nĐảng"], ["\"query\":\"hội nghị\"", "\"query\":\"bình\"", "\"query\":\"Đảng\""], Int32(0)),
        ] as [([String], [String], [String], Int32)])
    func answersWhileStdinIsOpen(arguments: [String], writes: [String], expected: [String], status: Int32) throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let process = Process()
        process.executableURL = Self.reportctl
        process.arguments = ["--socket", daemon.socketPath] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let fd = output.fileHandleForReading.fileDescriptor
        var buffer: [UInt8] = []
        var lines: [String] = []
        // The first line alone: its answer must come back before anything else is written.
        input.fileHandleForWriting.write(Data((writes[0] + "\n").utf8))
        let first = Self.readLine(fd, buffer: &buffer)
        #expect(first != nil, "no answer to the first line while stdin was open")
        lines += first.map { [$0] } ?? []
        input.fileHandleForWriting.write(Data((writes[1] + "\n").utf8))
        for _ in 0..<2 { if let line = Self.readLine(fd, buffer: &buffer) { lines.append(line) } }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == status)
        #expect(lines.count == expected.count, "\(lines)")
        for (line, marker) in zip(lines, expected) { #expect(line.contains(marker), "\(line)") }
    }

    @Test("Ctrl-C while a coloured search prints ends the bold run before reportctl dies of SIGINT")
    func interruptResetsBold() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let (process, input, output, _) = try ReportctlHostileTests.spawnReportctl(["--socket", daemon.socketPath, "search", "-", "--color", "always"])
        let fd = output.fileHandleForReading.fileDescriptor
        var buffer: [UInt8] = []
        input.fileHandleForWriting.write(Data("hội nghị\n".utf8))
        // The answer's first line (the count), then whatever follows it within a moment.
        #expect(Self.readLine(fd, buffer: &buffer) != nil, "no answer")
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            Issue.record("reportctl was still running 10 s after SIGINT")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        buffer += output.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT)
        #expect(buffer.count >= 4 && Array(buffer.suffix(4)) == Array("\u{1B}[0m".utf8), "\(String(decoding: buffer.suffix(40), as: UTF8.self).debugDescription)")
        try? input.fileHandleForWriting.close()
    }

    @Test("the shell runs typed commands, recalls history with the arrow keys and keeps it across sessions")
    func shell() throws {
        let (daemon, corpus) = try Self.startDaemon()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("reportctl-state-\(UUID().uuidString)")
        defer { for dir in [corpus, state] { try? FileManager.default.removeItem(at: dir) } }
        let environment = ["TERM": "xterm", "XDG_STATE_HOME": state.path, "PATH": "/usr/bin:/bin", "LANG": "C"]
        let terminal = try PseudoTerminal()
        let shell = try terminal.spawn(Self.reportctl, ["--socket", daemon.socketPath], environment: environment)
        #expect(terminal.read(until: "reportctl> ").contains("type help"))
        terminal.type("get 1001\n")
        #expect(terminal.read(until: "reportctl> ").contains("Đảng ủy khối đã họp bàn kế hoạch."))
        terminal.type("count dang uy\n")
        #expect(terminal.read(until: "reportctl> ").contains("1\r\n"))
        terminal.type("search \"tổng kết\" -n 1\n")
        #expect(terminal.read(until: "reportctl> ").contains("1 report matches \"tổng kết\""), "Vietnamese typed at the prompt")
        terminal.type("\u{1B}[A\u{1B}[A\n")  // up twice: count dang uy again
        let recalled = terminal.read(until: "reportctl> ")
        #expect(recalled.contains("count dang uy") && recalled.contains("\n1\r\n"), "\(recalled)")
        terminal.type("serch x\n")
        #expect(terminal.read(until: "reportctl> ").contains("did you mean 'search'"))
        terminal.type("help\n")
        #expect(terminal.read(until: "reportctl> ").contains("count"))
        terminal.type("quit\n")
        terminal.read(until: "\u{0}", timeout: 2)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let history = try String(contentsOf: state.appendingPathComponent("reportctl/history"), encoding: .utf8)
        #expect(history.contains("get") && history.contains("quit"), "\(history)")
        // A new session starts with that history: up, Enter runs the last line, quit.
        let again = try PseudoTerminal()
        let second = try again.spawn(Self.reportctl, ["--socket", daemon.socketPath, "shell"], environment: environment)
        again.read(until: "reportctl> ")
        again.type("\u{1B}[A\n")
        again.read(until: "\u{0}", timeout: 5)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "the recalled line was quit")
    }

    @Test("Ctrl-C at the shell's prompt drops the line being typed and prompts again; the shell goes on")
    func shellInterrupt() throws {
        let (daemon, corpus) = try Self.startDaemon()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("reportctl-state-\(UUID().uuidString)")
        defer { for dir in [corpus, state] { try? FileManager.default.removeItem(at: dir) } }
        let terminal = try PseudoTerminal()
        let shell = try terminal.spawn(
            Self.reportctl, ["--socket", daemon.socketPath],
            environment: ["TERM": "xterm", "XDG_STATE_HOME": state.path, "PATH": "/usr/bin:/bin", "LANG": "C"])
        terminal.read(until: "reportctl> ")
        terminal.type("pi")
        terminal.read(until: "pi")
        // What the terminal sends its foreground process on Ctrl-C (the test's pty is no
        // controlling terminal, so the key alone would not). The test runner starts children
        // with SIGINT blocked; the prompt unblocks it, as it must for Ctrl-C to reach it.
        kill(shell.processIdentifier, SIGINT)
        terminal.read(until: "reportctl> ")
        #expect(shell.isRunning, "Ctrl-C at the prompt ended the shell")
        terminal.type("ng\n")
        #expect(terminal.read(until: "reportctl> ").contains("unknown command 'ng'"), "the interrupted 'pi' was dropped")
        terminal.type("ping\n")
        #expect(terminal.read(until: "reportctl> ").contains("pong"))
        kill(shell.processIdentifier, SIGINT)
        terminal.read(until: "reportctl> ")
        terminal.type("quit\n")
        terminal.read(until: "\u{0}", timeout: 5)
        shell.waitUntilExit()
        #expect(shell.terminationReason == .exit && shell.terminationStatus == 0)
    }

    @Test("with no command and stdin not a terminal, reportctl prints its help as before")
    func noCommandWithoutTerminal() throws {
        let run = try ReportctlTests.reportctl([])
        #expect(run.status == 0)
        #expect(String(decoding: run.stdout, as: UTF8.self).contains("OVERVIEW: Query a running reportd."))
    }

    @Test("colour: bold matches and titles on a terminal; none with NO_COLOR or --color never; forced with --color always")
    func colour() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        func onTerminal(_ extra: [String], _ environment: [String: String] = [:]) throws -> String {
            let terminal = try PseudoTerminal()
            let process = try terminal.spawn(
                Self.reportctl, ["--socket", daemon.socketPath, "search", "hoi", "nghị", "kế", "hoạch"] + extra,
                environment: ["TERM": "xterm", "PATH": "/usr/bin:/bin"].merging(environment) { $1 })
            let text = terminal.read(until: "\u{0}", timeout: 5)
            process.waitUntilExit()
            return text
        }
        let bold = "\u{1B}[1m"
        let plain = try onTerminal([])
        #expect(plain.contains(bold + "kế\u{1B}[0m " + bold + "hoạch\u{1B}[0m"), "snippet: \(plain)")
        #expect(plain.contains(bold + "Hội\u{1B}[0m " + bold + "nghị\u{1B}[0m tổng"), "title: \(plain)")
        #expect(!(try onTerminal([], ["NO_COLOR": "1"])).contains("\u{1B}"))
        #expect(!(try onTerminal(["--color", "never"])).contains("\u{1B}"))
        #expect((try onTerminal(["--color", "never"])).contains("[kế] [hoạch]"))
        let piped = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "search", "kế", "hoạch", "--color", "always"])
        #expect(String(decoding: piped.stdout, as: UTF8.self).contains(bold))
        let pipedPlain = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "search", "kế", "hoạch"])
        #expect(!String(decoding: pipedPlain.stdout, as: UTF8.self).contains("\u{1B}"))
        #expect(String(decoding: pipedPlain.stdout, as: UTF8.self).contains("[kế] [hoạch]"))
    }

    @Test("snippets are wrapped at word boundaries to the terminal's width")
    func wrapping() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let arguments = ["--socket", daemon.socketPath, "search", "phát", "triển", "-n", "1", "--color", "never"]
        let terminal = try PseudoTerminal(columns: 40)
        let process = try terminal.spawn(Self.reportctl, arguments, environment: ["TERM": "xterm", "PATH": "/usr/bin:/bin"])
        let wrapped = terminal.read(until: "\u{0}", timeout: 5).replacingOccurrences(of: "\r\n", with: "\n")
        process.waitUntilExit()
        let piped = String(decoding: try ReportctlTests.reportctl(arguments).stdout, as: UTF8.self)
        let snippet = try #require(piped.split(separator: "\n").last { $0.hasPrefix("    ") })
        let lines = wrapped.split(separator: "\n").filter { $0.hasPrefix("    ") }
        #expect(lines.count > 1, "\(wrapped)")
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        // Wrapping only moved line breaks: the words, in order, are the one-line snippet's.
        let words = { (text: String) in text.split(separator: " ").map(String.init) }
        #expect(words(lines.joined(separator: " ")) == words(String(snippet)))
    }

    @Test("search and count take the words as typed: no quotes needed, -word is an exclusion, short flags")
    func queriesAsTyped() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        func output(_ arguments: [String]) throws -> String {
            let run = try ReportctlTests.reportctl(["-s", daemon.socketPath] + arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            return String(decoding: run.stdout, as: UTF8.self)
        }
        #expect(try output(["search", "hội", "nghị", "-j"]) == (try output(["search", "hội nghị", "--json"])))
        #expect(try output(["count", "năm"]) == "2\n")
        #expect(try output(["count", "năm", "-Đảng"]) == "1\n", "-Đảng is an exclusion, not an option")
        #expect(try output(["search", "-c", "năm", "-đảng"]) == "1\n")
        #expect(try output(["count", "-nghị", "năm"]) == "1\n", "-n is an option, -nghị a word")
        let limited = try output(["search", "năm", "-n", "1", "--json"])
        #expect(limited.contains("\"total\":2") && limited.components(separatedBy: "\"id\"").count == 2)
        let capped = try ReportctlTests.reportctl(["-s", daemon.socketPath, "search", "năm", "--limit", "5000"])
        #expect(capped.stderr.contains("note: --limit 5000"), "\(capped.stderr)")
    }

    @Test("conventions: --version on both executables, did you mean, shared options in every subcommand's help")
    func conventions() throws {
        let control = String(decoding: try ReportctlTests.reportctl(["--version"]).stdout, as: UTF8.self)
        let daemon = Process()
        daemon.executableURL = DaemonProcess.binDirectory.appendingPathComponent("reportd")
        daemon.arguments = ["--version"]
        let out = Pipe()
        daemon.standardOutput = out
        try daemon.run()
        let daemonVersion = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        daemon.waitUntilExit()
        #expect(!control.isEmpty && control == daemonVersion)
        let typo = try ReportctlTests.reportctl(["--socket", "/nonexistent", "serch", "x"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("did you mean 'search'"), "\(typo.stderr)")
        // `help` about an unknown command says so (it printed the overview and exited 0).
        for arguments in [["help", "serch"], ["-s", "/nonexistent", "help", "serch"]] {
            let helpTypo = try ReportctlTests.reportctl(arguments)
            #expect(helpTypo.status == 64, "\(arguments)")
            #expect(helpTypo.stderr.contains("unknown command 'serch'; did you mean 'search'?"), "\(helpTypo.stderr)")
            #expect(helpTypo.stdout.isEmpty)
        }
        let helpNone = try ReportctlTests.reportctl(["help", "nope"])
        #expect(helpNone.status == 64 && helpNone.stderr.contains("unknown command 'nope'; the commands are get, search"), "\(helpNone.stderr)")
        #expect(String(decoding: try ReportctlTests.reportctl(["help", "get"]).stdout, as: UTF8.self).contains("OVERVIEW: Print reports by id."))
        for command in ["get", "search", "count", "stats", "ping", "shell", "put", "del", "import", "snapshot", "reload", "shutdown"] {
            let help = String(decoding: try ReportctlTests.reportctl([command, "--help"]).stdout, as: UTF8.self)
            #expect(help.contains("-s, --socket") && help.contains("-j, --json") && help.contains("--color"), "\(command) --help")
        }
    }
}
