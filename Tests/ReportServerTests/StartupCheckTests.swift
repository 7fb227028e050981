// reportd fails fast and honestly: `--check-config` checks what a start needs (accounts,
// import paths, data directory, socket), a start runs the same checks before it imports
// anything, and every config key is a flag taking the same values.
import Foundation
import Testing

@Suite("reportd --check-config and the checks before a start")
struct StartupCheckTests {
    struct Run {
        let status: Int32
        let output: String
        let seconds: Double
    }

    /// Runs reportd to its end; one still running after `seconds` (a start that should have
    /// failed) is stopped, so the test fails instead of hanging.
    static func reportd(_ arguments: [String], seconds: Double = 60) throws -> Run {
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("reportd")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let stop = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: stop)
        defer { stop.cancel() }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: text, seconds: Date().timeIntervalSince(started))
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    }

    @Test(
        "--check-config and a start fail with exit 78 and the reason, before importing anything",
        arguments: [
            (["--socket-group", "no-such-group-x"], "socket-group: no group named \"no-such-group-x\""),
            (["--write-users", "root,no-such-user-x"], "write-users: no user named \"no-such-user-x\""),
            (["--write-groups", "no-such-group-y"], "write-groups: no group named \"no-such-group-y\""),
            (["--import", "/nonexistent/reports"], "import /nonexistent/reports: does not exist"),
            (["--data-dir", "/nonexistent/parent/data"], "data-dir /nonexistent/parent/data: does not exist, nor does /nonexistent/parent"),
            (["--max-report-bytes", "32M", "--max-frame-bytes", "16M"],
             "max-report-bytes 33554432 does not fit in max-frame-bytes 16777216: a PUT of a report that size with a 255-byte id is a 33554693-byte frame body; raise max-frame-bytes to at least 33554693 or lower max-report-bytes to at most 16776955"),
            (["--max-report-bytes", "64k", "--max-frame-bytes", "4096"], "max-frame-bytes 4096 is below the minimum of 65536 (64k)"),
            (["--max-report-bytes", "64k", "--max-frame-bytes", "64k"], "max-report-bytes 65536 does not fit in max-frame-bytes 65536"),
            (["--max-queued-bytes-total", "1"], "max-queued-bytes-total 1 is below max-queued-bytes 67108864"),
            (["--socket", "/tmp/" + String(repeating: "s", count: 120)],
             "socket /tmp/" + String(repeating: "s", count: 120) + ": the path is 125 bytes; a Unix socket path holds at most 107"),
        ])
    func configurationProblems(flags: [String], message: String) throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        let socket = Self.temporary("check").path + ".sock"
        defer { try? FileManager.default.removeItem(at: corpus) }
        let base = ["--socket", socket, "--import", corpus.path]
        let check = try Self.reportd(base + flags + ["--check-config"])
        #expect(check.status == 78, "\(check.output)")
        #expect(check.output.contains(message), "\(check.output)")
        #expect(check.output.contains("a start would fail"))
        let start = try Self.reportd(base + flags)
        #expect(start.status == 78, "\(start.output)")
        #expect(start.output.contains("cannot start: " + message), "\(start.output)")
        #expect(!start.output.contains("imported"), "the check runs before the import: \(start.output)")
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test(
        "a size or duration past the largest the wire or the timers hold is refused with exit 78, as a flag and as a key, never capped",
        arguments: [
            ("max-frame-bytes", "4294967296", "too large: at most 4294967295 bytes (4 GiB - 1: a frame's body length is a u32)"),
            ("max-frame-bytes", "8G", "too large: at most 4294967295 bytes"),
            ("max-frame-bytes", "9999999999G", "too large: at most 4294967295 bytes"),
            ("max-report-bytes", "9223372036854775807", "too large: at most 4294967034 bytes (so a PUT of it fits in the largest max-frame-bytes, 4294967295)"),
            ("max-report-bytes", "8G", "too large: at most 4294967034 bytes"),
            ("max-queued-bytes", "9999999999G", "too large: at most 9223372036854775807 bytes"),
            ("max-queued-bytes-total", "99999999999999999999", "too large: at most 9223372036854775807 bytes"),
            ("idle-timeout", "9223372036854775807ms", "too long: at most 8760h (0 turns the timeout off)"),
            ("idle-timeout", "8761h", "too long: at most 8760h"),
        ])
    func valuesPastTheirMaximum(key: String, value: String, message: String) throws {
        let socket = Self.temporary("max").path + ".sock"
        let config = Self.temporary("max").path + ".conf"
        try Data("\(key) = \(value)\n".utf8).write(to: URL(fileURLWithPath: config))
        defer { try? FileManager.default.removeItem(atPath: config) }
        for (arguments, origin) in [(["--\(key)", value], "--\(key): "), (["--config", config], "\(config):1: ")] {
            let expected = "\(origin)\(key) = \"\(value)\": \(message)"
            let check = try Self.reportd(["--socket", socket] + arguments + ["--check-config"])
            #expect(check.status == 78, "\(check.output)")
            #expect(check.output.contains("reportd: configuration error: " + expected), "\(check.output)")
            let start = try Self.reportd(["--socket", socket] + arguments, seconds: 10)
            #expect(start.status == 78, "\(start.output)")
            #expect(start.output.contains(expected), "\(start.output)")
            #expect(!FileManager.default.fileExists(atPath: socket))
        }
    }

    @Test("the largest max-frame-bytes and idle-timeout are taken as given")
    func largestValues() throws {
        let check = try Self.reportd([
            "--socket", Self.temporary("max").path + ".sock", "--max-frame-bytes", "4294967295", "--max-report-bytes", "4294967034",
            "--idle-timeout", "8760h", "--check-config",
        ])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("max-frame-bytes = 4294967295\n"), "\(check.output)")
        #expect(check.output.contains("max-report-bytes = 4294967034\n"), "\(check.output)")
        #expect(check.output.contains("idle-timeout = 8760h\n"), "\(check.output)")
    }

    @Test("a reload whose import path has gone is refused, with and without a data directory; the corpus stays")
    func reloadWithMissingImport() throws {
        for withData in [false, true] {
            let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
            let data = Self.temporary("reload-data")
            defer { for dir in [corpus, data] { try? FileManager.default.removeItem(at: dir) } }
            let daemon = try DaemonProcess(arguments: ["--import", corpus.path] + (withData ? ["--data-dir", data.path] : []))
            try FileManager.default.removeItem(at: corpus)
            let reload = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "reload"])
            #expect(reload.status == 70, "data dir \(withData): \(reload.stderr)")
            #expect(reload.stderr.contains("import \(corpus.path): does not exist"), "\(reload.stderr)")
            let count = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "count", "năm"])
            #expect(String(decoding: count.stdout, as: UTF8.self) == "2\n", "still serving the old corpus")
        }
    }

    @Test("a data directory that is a file, and several problems at once, are all reported")
    func severalProblems() throws {
        let file = Self.temporary("not-a-dir")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let check = try Self.reportd([
            "--socket", Self.temporary("s").path, "--data-dir", file.path, "--import", "/nonexistent/a", "--check-config",
        ])
        #expect(check.status == 78)
        #expect(check.output.contains("data-dir \(file.path): not a directory"), "\(check.output)")
        #expect(check.output.contains("import /nonexistent/a: does not exist"))
        #expect(check.output.contains("2 problems: a start would fail"))
    }

    @Test("a socket a live reportd serves, or in a missing directory: exit 69 from --check-config and before the import")
    func socketProblems() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let live = try DaemonProcess(arguments: [])
        let check = try Self.reportd(["--socket", live.socketPath, "--check-config"])
        #expect(check.status == 69, "\(check.output)")
        #expect(check.output.contains("another process is serving it"), "\(check.output)")
        let start = try Self.reportd(["--socket", live.socketPath, "--import", corpus.path])
        #expect(start.status == 69)
        #expect(!start.output.contains("imported"), "\(start.output)")
        let missing = try Self.reportd(["--socket", "/nonexistent/dir/r.sock", "--check-config"])
        #expect(missing.status == 69)
        #expect(missing.output.contains("the directory /nonexistent/dir does not exist"), "\(missing.output)")
        // The live daemon was left alone.
        #expect(live.process.isRunning)
    }

    @Test("a clean configuration passes, and flags take the file's values: durations and sizes with units, lists")
    func flagsAndKeysAgree() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let config = Self.temporary("flags").path + ".conf"
        try Data("idle-timeout = 5m\nmax-report-bytes = 4M\nwrite-users = root\nsearch-index = no\n".utf8).write(to: URL(fileURLWithPath: config))
        defer { try? FileManager.default.removeItem(atPath: config) }
        let socket = Self.temporary("ok").path + ".sock"
        let fromFile = try Self.reportd(["--config", config, "--socket", socket, "--import", corpus.path, "--check-config"])
        #expect(fromFile.status == 0, "\(fromFile.output)")
        #expect(fromFile.output.contains("configuration OK"))
        let fromFlags = try Self.reportd([
            "--socket", socket, "--import", corpus.path, "--idle-timeout", "5m", "--max-report-bytes", "4M",
            "--write-users", "root", "--search-index", "no", "--check-config",
        ])
        #expect(fromFlags.status == 0, "\(fromFlags.output)")
        #expect(fromFlags.output == fromFile.output, "the same settings whichever way they are given")
        #expect(fromFlags.output.contains("idle-timeout = 5m") && fromFlags.output.contains("max-report-bytes = 4194304"))
        let short = try Self.reportd([
            "--socket", socket, "--import", corpus.path, "--idle-timeout", "5m", "--max-report-bytes", "4M",
            "--write-users", "root", "--no-search-index", "--check-config",
        ])
        #expect(short.output == fromFile.output, "--no-search-index is --search-index no")
        let bare = try Self.reportd(["--socket", socket, "--idle-timeout", "300", "--check-config"])
        #expect(bare.status == 78)
        #expect(bare.output.contains("--idle-timeout: idle-timeout = \"300\": expected a duration"), "\(bare.output)")
    }

    @Test("every key of scripts/reportd.conf is a reportd flag of the same name, and every such flag a key")
    func keysAreFlags() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sample = try String(contentsOf: repository.appendingPathComponent("scripts/reportd.conf"), encoding: .utf8)
        var keys = Set<String>()
        for line in sample.split(separator: "\n") {
            let text = line.hasPrefix("# ") ? line.dropFirst(2) : line[...]
            let key = text.prefix { $0.isLowercase || $0 == "-" }
            if !key.isEmpty, text.dropFirst(key.count).hasPrefix(" = "), !key.hasPrefix("key") { keys.insert(String(key)) }
        }
        let help = try Self.reportd(["--help"]).output
        var flags = Set<String>()
        for word in help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "[" || $0 == "]" })
        where word.hasPrefix("--") {
            flags.insert(String(word.dropFirst(2).prefix { $0.isLowercase || $0 == "-" }))
        }
        let onlyFlags: Set<String> = ["config", "check-config", "repair", "help", "version", "no-search-index"]
        #expect(keys.count >= 17, "\(keys)")
        #expect(keys.subtracting(flags).isEmpty, "keys without a flag: \(keys.subtracting(flags))")
        let missing = flags.subtracting(keys).subtracting(onlyFlags)
        #expect(missing.isEmpty, "flags without a key in scripts/reportd.conf: \(missing)")
    }
}
