// reportctl against hostile input: report texts holding terminal escapes, batches with
// failing or blank lines, ids with leading blanks, sessions longer than the server's idle
// timeout or cut with a request in flight, strings longer than the wire can carry, a socket
// path too long for sun_path, and a daemon that stops answering (--timeout).
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("reportctl against hostile input")
struct ReportctlHostileTests {
    /// Starts reportctl with `arguments`, every standard stream a pipe (a batch fed line by line).
    static func spawnReportctl(_ arguments: [String]) throws -> (Process, input: Pipe, output: Pipe, errors: Pipe) {
        let process = Process()
        process.executableURL = ReportctlTerminalTests.reportctl
        process.arguments = arguments
        let (input, output, errors) = (Pipe(), Pipe(), Pipe())
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, input, output, errors)
    }

    static let hostileTitle = "escq \u{1B}]0;PWNED\u{07} tiêu đề \u{1B}[2J xong"
    static let hostileText = Array((hostileTitle + "\nescq thân \u{9B}31m bài \u{7F} có\ttab \u{1B}[5m nữa © \u{85}\n").utf8)

    /// A report with every invisible format character a terminal must not get raw (bidi
    /// embeddings, overrides, isolates and marks, the line and paragraph separators, a BOM
    /// mid-text), and the joiners and zero-width space, which stay.
    static let bidiTitle = "bidiq tiêu đề \u{202E}ngược\u{202C} và \u{2066}cô lập\u{2069} \u{200F}\u{061C}"
    static let bidiText = Array(
        (bidiTitle + "\nbidiq thân \u{202A}a\u{202B}b\u{202D}c\u{2067}d\u{2068}e\u{200E} dòng\u{2028}đoạn\u{2029} \u{FEFF}bom, ng\u{200D}ười z\u{200C}w\u{200B}j\n").utf8)
    static let formatEscapes = [
        "\\u{202E}ngược\\u{202C}", "\\u{2066}cô lập\\u{2069}", "\\u{200F}\\u{061C}", "\\u{202A}a\\u{202B}b\\u{202D}c\\u{2067}d\\u{2068}e\\u{200E}",
        "dòng\\u{2028}đoạn\\u{2029}", "\\u{FEFF}bom", "ng\u{200D}ười z\u{200C}w\u{200B}j",
    ]

    static func reportctl(_ arguments: [String], stdin: String? = nil) throws -> ReportctlTests.Run {
        try ReportctlTests.reportctl(arguments, stdin: stdin.map { Data($0.utf8) })
    }

    static func startDaemon(_ extra: [String] = [], reports: [String: [UInt8]] = [:]) throws -> (DaemonProcess, URL) {
        var all = Fixtures.reports
        all["esc1"] = hostileText
        all["bidi1"] = bidiText
        for (id, text) in reports { all[id] = text }
        let corpus = try DaemonProcess.makeCorpus(all)
        return (try DaemonProcess(arguments: ["--import", corpus.path] + extra), corpus)
    }

    /// The raw control characters in `bytes` a terminal would act on (all C0 but tab and
    /// newline, DEL, and C1 as UTF-8) and the format characters that reorder or break lines
    /// (bidi controls, U+2028, U+2029, U+FEFF), with the bold escapes `--color always` adds removed.
    static func controls(_ bytes: Data) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\u{1B}[1m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
        let formats: [ClosedRange<UInt32>] = [0x061C...0x061C, 0x200E...0x200F, 0x2028...0x202E, 0x2066...0x2069, 0xFEFF...0xFEFF]
        return text.unicodeScalars.filter { scalar in
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
                || formats.contains { $0.contains(scalar.value) }
        }.map { String(format: "U+%04X", $0.value) }
    }

    /// reportctl's stdout for `arguments` (and `stdin`) against a fresh daemon: it exits 0, names
    /// `id` and writes no raw control or format character.
    static func inertOutput(_ arguments: [String], stdin: String, showing id: String) throws -> String {
        let (daemon, corpus) = try startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let run = try reportctl(["--socket", daemon.socketPath] + arguments, stdin: stdin)
        #expect(run.status == 0, "\(run.stderr)")
        let text = String(decoding: run.stdout, as: UTF8.self)
        #expect(text.contains(id), "\(text)")
        #expect(controls(run.stdout).isEmpty, "\(controls(run.stdout)) in \(text.debugDescription)")
        return text
    }

    @Test(
        "bidi controls, U+2028, U+2029 and U+FEFF in titles and snippets are shown as \\u{HHHH}; joiners stay",
        arguments: [["search", "bidiq"], ["search", "bidiq", "--color", "always"], ["search", "-"]])
    func searchFormatCharactersAreShown(arguments: [String]) throws {
        let text = try Self.inertOutput(arguments, stdin: "bidiq\n", showing: "bidi1")
            .replacingOccurrences(of: "\u{1B}[1m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
        #expect(text.contains("\\u{202E}ngược\\u{202C}"), "the title: \(text.debugDescription)")
        #expect(text.contains("\\u{FEFF}bom"), "the snippet: \(text.debugDescription)")
        #expect(text.contains("ng\u{200D}ười z\u{200C}w\u{200B}j"), "joiners kept: \(text.debugDescription)")
    }

    @Test("get shows format characters as \\u{HHHH} on a terminal, keeps them on a pipe, and --json escapes them")
    func getFormatCharacters() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let piped = try Self.reportctl(["--socket", daemon.socketPath, "get", "bidi1"])
        #expect(piped.status == 0)
        #expect(Array(piped.stdout) == Self.bidiText, "byte-exact on a pipe")

        let json = try Self.reportctl(["--socket", daemon.socketPath, "get", "bidi1", "--json"])
        #expect(json.status == 0)
        #expect(Self.controls(json.stdout).isEmpty, "\(Self.controls(json.stdout))")
        let raw = String(decoding: json.stdout, as: UTF8.self)
        #expect(raw.contains("\\u202engược\\u202c") && raw.contains("\\ufeffbom") && raw.contains("ng\u{200D}ười"), "\(raw)")
        let object = try JSONSerialization.jsonObject(with: json.stdout.prefix { $0 != 10 }) as? [String: Any]
        #expect((object?["text"] as? String).map { Array($0.utf8) } == Self.bidiText, "the escapes decode to the stored text")

        let terminal = try PseudoTerminal()
        let process = try terminal.spawn(
            ReportctlTerminalTests.reportctl, ["--socket", daemon.socketPath, "get", "bidi1", "1001"],
            environment: ["TERM": "xterm", "PATH": "/usr/bin:/bin"])
        let shown = terminal.read(until: "Đảng ủy khối")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for escape in Self.formatEscapes { #expect(shown.contains(escape), "\(escape) in \(shown.debugDescription)") }
        #expect(Self.controls(Data(shown.replacingOccurrences(of: "\r\n", with: "\n").utf8)).isEmpty, "\(shown.debugDescription)")
    }

    @Test(
        "search and count text output shows a title's and snippet's control characters as \\xHH, never raw",
        arguments: [["search", "escq"], ["search", "escq", "--color", "always"], ["search", "-"], ["search", "escq", "--ids-only"]])
    func searchOutputIsInert(arguments: [String]) throws {
        let text = try Self.inertOutput(arguments, stdin: "escq\n", showing: "esc1")
        if !arguments.contains("--ids-only") {
            #expect(text.contains("\\x1b]0;PWNED\\x07"), "\(text.debugDescription)")
            #expect(text.contains("\\x9b31m"), "\(text.debugDescription)")
            #expect(text.contains("\\x7f"), "\(text.debugDescription)")
        }
    }

    @Test("search --json escapes every control character, DEL and C1 included")
    func jsonIsInert() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        for arguments in [["search", "escq", "--json"], ["get", "esc1", "--json"]] {
            let run = try Self.reportctl(["--socket", daemon.socketPath] + arguments)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(Self.controls(run.stdout).isEmpty, "\(arguments): \(Self.controls(run.stdout))")
            let object = try JSONSerialization.jsonObject(with: run.stdout.prefix { $0 != 10 }) as? [String: Any]
            let field = arguments[0] == "get" ? object?["text"] as? String : (object?["hits"] as? [[String: Any]])?.first?["title"] as? String
            #expect(field?.hasPrefix(Self.hostileTitle) == true, "\(String(describing: field))")
            if arguments[0] == "get" {
                // Escaped C1 and DEL decode back to the stored text; © (C2 A9) stays as it is.
                #expect(field.map { Array($0.utf8) } == Self.hostileText)
                #expect(String(decoding: run.stdout, as: UTF8.self).contains("\\u009b31m bài \\u007f có\\ttab \\u001b[5m nữa © \\u0085\\n"))
            }
        }
    }

    @Test("get keeps the report's exact bytes on a pipe, and shows controls as \\xHH on a terminal")
    func getOnPipeAndTerminal() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let piped = try Self.reportctl(["--socket", daemon.socketPath, "get", "esc1"])
        #expect(piped.status == 0)
        #expect(Array(piped.stdout) == Self.hostileText)

        let terminal = try PseudoTerminal()
        let process = try terminal.spawn(
            ReportctlTerminalTests.reportctl, ["--socket", daemon.socketPath, "get", "esc1", "1001"],
            environment: ["TERM": "xterm", "PATH": "/usr/bin:/bin"])
        let shown = terminal.read(until: "Đảng ủy khối")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(shown.contains("\\x1b]0;PWNED\\x07"), "\(shown.debugDescription)")
        #expect(shown.contains("có\ttab"), "\(shown.debugDescription)")
        // The pty turns \n into \r\n; nothing else may be a control character.
        #expect(Self.controls(Data(shown.replacingOccurrences(of: "\r\n", with: "\n").utf8)).isEmpty, "\(shown.debugDescription)")
    }

    @Test(
        "every line of a batch gets one record, in input order, failures included",
        arguments: [
            (["count", "-"], 3, "error"),
            (["count", "-", "--json"], 3, "\"error\""),
            (["search", "-", "--json"], 3, "\"error\""),
        ] as [([String], Int, String)])
    func batchRecordsPairWithLines(arguments: [String], records: Int, errorMarker: String) throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let run = try Self.reportctl(["--socket", daemon.socketPath] + arguments, stdin: "Đảng\n\"bad\nhội nghị\n")
        #expect(run.status == 65, "\(run.stderr)")
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == records, "\(lines)")
        guard lines.count == records else { return }
        #expect(!lines[0].contains(errorMarker) && lines[1].contains(errorMarker) && !lines[2].contains(errorMarker), "\(lines)")
        if arguments.contains("--json") {
            #expect(lines[1].contains("\"query\":\"\\\"bad\""), "\(lines[1])")
            #expect(lines[2].contains("\"query\":\"hội nghị\""), "\(lines[2])")
        }
    }

    @Test("search - in text mode: a failing query prints a marked error block in its place")
    func searchTextBatchMarksErrors() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let run = try Self.reportctl(["--socket", daemon.socketPath, "search", "-"], stdin: "Đảng\n\"bad\nhội nghị\n")
        #expect(run.status == 65)
        let text = String(decoding: run.stdout, as: UTF8.self)
        let heads = text.split(separator: "\n").filter { $0.contains(" match") || $0.hasPrefix("error") }
        #expect(heads.count == 3, "\(text)")
        guard heads.count == 3 else { return }
        #expect(heads[0].hasSuffix("Đảng") && heads[1].hasPrefix("error: query '\"bad'") && heads[2].contains(" hội nghị"), "\(heads)")
    }

    @Test("blank lines are records too: get - answers them as not found, count - as an error")
    func blankLines() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let got = try Self.reportctl(["--socket", daemon.socketPath, "get", "-", "--json"], stdin: "1001\n\nesc1\n")
        #expect(got.status == 1)
        let gotLines = String(decoding: got.stdout, as: UTF8.self).split(separator: "\n")
        #expect(gotLines.count == 3, "\(gotLines)")
        if gotLines.count == 3 { #expect(gotLines[1] == "{\"id\":\"\",\"found\":false}") }
        let counted = try Self.reportctl(["--socket", daemon.socketPath, "count", "-", "--json"], stdin: "Đảng\n\nhội\n")
        #expect(counted.status == 65)
        let countLines = String(decoding: counted.stdout, as: UTF8.self).split(separator: "\n")
        #expect(countLines.count == 3, "\(countLines)")
        if countLines.count == 3 { #expect(countLines[1].contains("\"error\"")) }
    }

    @Test("get - keeps an id's blanks: only the line terminator (\\n, \\r\\n) is stripped")
    func getKeepsIdBytes() throws {
        let (daemon, corpus) = try Self.startDaemon(reports: ["sp": Array("không có cách\nx\n".utf8)])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let put = try Self.reportctl(["--socket", daemon.socketPath, "put", "--id", " sp", "-"], stdin: "có cách đầu\ny\n")
        #expect(put.status == 0, "\(put.stderr)")
        let run = try Self.reportctl(["--socket", daemon.socketPath, "get", "-", "--json"], stdin: " sp\nsp\r\nsp \n")
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3, "\(lines)")
        guard lines.count == 3 else { return }
        #expect(lines[0].hasPrefix("{\"id\":\" sp\",\"found\":true,\"text\":\"có cách đầu"), "\(lines[0])")
        #expect(lines[1].hasPrefix("{\"id\":\"sp\",\"found\":true,\"text\":\"không có cách"), "\(lines[1])")
        #expect(lines[2] == "{\"id\":\"sp \",\"found\":false}", "\(lines[2])")
        #expect(run.status == 1)
    }

    @Test(
        "a batch outlives the server's idle timeout: reportctl reconnects before the next line",
        arguments: [
            (["get", "-", "--json"], "1001", "esc1"),
            (["count", "-"], "Đảng", "hội nghị"),
            (["search", "-", "--json"], "Đảng", "hội nghị"),
        ] as [([String], String, String)])
    func reconnectsAfterIdleClose(arguments: [String], first: String, second: String) throws {
        let (daemon, corpus) = try Self.startDaemon(["--idle-timeout", "1s"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let (process, input, output, errors) = try Self.spawnReportctl(["--socket", daemon.socketPath] + arguments)
        let fd = output.fileHandleForReading.fileDescriptor
        var buffer: [UInt8] = []
        input.fileHandleForWriting.write(Data((first + "\n").utf8))
        let one = ReportctlTerminalTests.readLine(fd, buffer: &buffer)
        #expect(one != nil)
        Thread.sleep(forTimeInterval: 2.2)
        input.fileHandleForWriting.write(Data((second + "\n").utf8))
        let two = ReportctlTerminalTests.readLine(fd, buffer: &buffer)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(two != nil, "no answer after the idle close: \(stderr)")
        if arguments.contains("--json"), let two {
            #expect(two.contains(arguments[0] == "get" ? "\"id\":\"\(second)\"" : "\"query\":\"\(second)\""), "\(two)")
        }
    }

    @Test("a connection lost with a request in flight is still an error (exit 76), not a silent retry")
    func lossInFlightIsAnError() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let (process, input, output, errors) = try Self.spawnReportctl(["--socket", daemon.socketPath, "count", "-"])
        var buffer: [UInt8] = []
        input.fileHandleForWriting.write(Data("Đảng\n".utf8))
        #expect(ReportctlTerminalTests.readLine(output.fileHandleForReading.fileDescriptor, buffer: &buffer) == "1")
        // Stopped, reportd cannot answer the next line; killed, it closes with that line in flight.
        daemon.pause()
        input.fileHandleForWriting.write(Data("hội nghị\n".utf8))
        Thread.sleep(forTimeInterval: 0.3)
        kill(daemon.process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 76, "\(stderr)")
        #expect(stderr.contains("(1 request unanswered)"), "\(stderr)")
        try? input.fileHandleForWriting.close()
    }

    @Test("count messages: 1 report matches, 2 reports match")
    func countWording() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let one = try Self.reportctl(["--socket", daemon.socketPath, "search", "escq", "--color", "never"])
        #expect(String(decoding: one.stdout, as: UTF8.self).hasPrefix("1 report matches escq\n"), "\(String(decoding: one.stdout, as: UTF8.self))")
        let none = try Self.reportctl(["--socket", daemon.socketPath, "search", "zzzkhông", "--color", "never"])
        #expect(String(decoding: none.stdout, as: UTF8.self).hasPrefix("0 reports match zzzkhông\n"))
        // put: one of two files refused (empty) leaves "stored 1 report", not "1 reports".
        let files = try DaemonProcess.makeCorpus(["w1": Array("Tin\nmột".utf8), "w2": []])
        defer { try? FileManager.default.removeItem(at: files) }
        let put = try Self.reportctl([
            "--socket", daemon.socketPath, "put", files.appendingPathComponent("w1.txt").path, files.appendingPathComponent("w2.txt").path,
        ])
        #expect(String(decoding: put.stdout, as: UTF8.self).hasPrefix("stored 1 report ("), "\(String(decoding: put.stdout, as: UTF8.self)) \(put.stderr)")
    }

    @Test("a socket path too long for sun_path: a message naming the path and the limit")
    func socketPathTooLong() throws {
        let path = "/tmp/" + String(repeating: "d", count: 200) + "/r.sock"
        for arguments in [["ping"], ["count", "x"], ["get", "1"]] {
            let run = try Self.reportctl(["--socket", path] + arguments)
            #expect(run.status == 69)
            #expect(run.stderr.contains(path) && run.stderr.contains("107 bytes") && run.stderr.contains("\(path.utf8.count)"), "\(run.stderr)")
            #expect(!run.stderr.contains("unixDomainSocketPathTooLong"), "\(run.stderr)")
        }
    }

    @Test("strings over 65,535 bytes are refused before sending, with their real size")
    func overlongStrings() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let long = String(repeating: "ư", count: 40_000)  // 80,000 bytes
        for arguments in [["count", long], ["search", long], ["get", long], ["get", "1001", long]] {
            let run = try Self.reportctl(["--socket", daemon.socketPath] + arguments)
            #expect(run.status == 64, "\(arguments[0]): \(run.stderr)")
            #expect(run.stderr.contains("80000 bytes") && run.stderr.contains("65535"), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        // In a batch the long line gets an error record and the others their answers.
        let batch = try Self.reportctl(["--socket", daemon.socketPath, "count", "-", "--json"], stdin: "Đảng\n\(long)\nhội\n")
        let lines = String(decoding: batch.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3, "\(batch.stderr)")
        if lines.count == 3 { #expect(lines[1].contains("\"error\"") && lines[1].contains("80000 bytes"), "\(lines[1])") }
        #expect(batch.status == 64 || batch.status == 65)
        let ids = try Self.reportctl(["--socket", daemon.socketPath, "get", "-", "--json"], stdin: "1001\n\(long)\nesc1\n")
        let idLines = String(decoding: ids.stdout, as: UTF8.self).split(separator: "\n")
        #expect(idLines.count == 3, "\(ids.stderr)")
        if idLines.count == 3 {
            #expect(idLines[1].contains("\"error\"") && idLines[1].contains("80000 bytes"), "\(idLines[1].suffix(120))")
            #expect(idLines[0].contains("\"found\":true") && idLines[2].contains("\"found\":true"))
        }
        #expect(ids.stderr.contains("80000 bytes"))
        #expect(ids.status == 64)
    }

    @Test("--timeout: no answer in time gives up with exit 75 (one request, and a batch waiting on a stopped reportd)")
    func timeout() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let bad = try Self.reportctl(["--socket", daemon.socketPath, "--timeout", "0", "ping"])
        #expect(bad.status == 64 && bad.stderr.contains("--timeout"), "\(bad.stderr)")
        let fine = try Self.reportctl(["--socket", daemon.socketPath, "count", "Đảng", "-t", "5"])
        #expect(fine.status == 0 && String(decoding: fine.stdout, as: UTF8.self) == "1\n", "\(fine.stderr)")

        let (process, input, output, errors) = try Self.spawnReportctl(["--socket", daemon.socketPath, "--timeout", "0.5", "count", "-"])
        var buffer: [UInt8] = []
        input.fileHandleForWriting.write(Data("Đảng\n".utf8))
        #expect(ReportctlTerminalTests.readLine(output.fileHandleForReading.fileDescriptor, buffer: &buffer) == "1")
        // reportd stops answering: the next line's answer never comes.
        daemon.pause()
        defer { kill(daemon.process.processIdentifier, SIGCONT) }
        let started = Date()
        input.fileHandleForWriting.write(Data("hội nghị\n".utf8))
        process.waitUntilExit()
        let waited = Date().timeIntervalSince(started)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 75, "\(stderr)")
        #expect(stderr.contains("no answer from reportd within 0.5 s"), "\(stderr)")
        #expect(waited < 10, "gave up after \(waited) s")

        // A single request to the stopped daemon: HELLO gets no answer.
        for command in [["ping"], ["stats"], ["stats", "--prometheus"]] {
            let stopped = try Self.reportctl(["--socket", daemon.socketPath, "-t", "0.3"] + command)
            #expect(stopped.status == 75, "\(command): \(stopped.stderr)")
        }
        try? input.fileHandleForWriting.close()
    }
}
