// Integration tests for running under systemd, without systemd as PID 1: socket
// activation through systemd-socket-activate, sd_notify messages received by the test,
// reload on SIGHUP under load, peer-credential checks with another uid, and the config
// file with --check-config.
import Foundation
import NIOCore
import ReportClient
import ReportProtocol
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("running under systemd")
struct SystemdTests {
    static let activator = "/usr/bin/systemd-socket-activate"

    static func tempDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-sd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("socket activation: reportd serves the inherited socket and notifies READY, RELOADING, STOPPING")
    func socketActivationAndNotify() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.activator), "install systemd (scripts/ensure-deps.sh)")
        let dir = try Self.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let notify = try NotifyListener(directory: dir)
        let socketPath = dir.appendingPathComponent("activated.sock").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.activator)
        process.arguments = [
            "-l", socketPath, "-E", "NOTIFY_SOCKET=\(notify.path)", "-E", "WATCHDOG_USEC=2000000",
            DaemonProcess.binDirectory.appendingPathComponent("reportd").path, "--import", corpus.path,
        ]
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        // The activator listens first and starts reportd at the first connection.
        var client: ReportClient?
        for _ in 0..<200 where client == nil {
            client = try? ReportClient(socketPath: socketPath)
            if client == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let connected = try #require(client)
        #expect(try connected.get("1001") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))
        let ready = try notify.wait(for: "READY=1")
        #expect(ready.contains("STATUS=serving \(Fixtures.reports.count) reports"))
        try notify.wait(for: "WATCHDOG=1")
        // The inherited socket keeps a backlog for every connection slot: a burst of connects
        // while reportd accepts nothing all wait (NIO's own listen on an adopted fd would leave 128).
        DaemonProcess.pause(pid: process.processIdentifier)
        let burst: (failed: Int, tried: Int)
        do {
            defer { kill(process.processIdentifier, SIGCONT) }
            burst = try RawSocket.burstOfConnects(path: socketPath, count: 600)
        }
        #expect(burst.failed == 0, "\(burst.failed) of \(burst.tried) connects to the inherited socket failed")

        kill(process.processIdentifier, SIGHUP)
        let reloading = try notify.wait(for: "RELOADING=1")
        #expect(reloading.contains("MONOTONIC_USEC="))
        try notify.wait(for: "READY=1\nSTATUS=serving")
        #expect(try connected.get("1002") == .plain(ByteBuffer(bytes: Fixtures.reports["1002"]!)))

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        try notify.wait(for: "STOPPING=1")
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("fd 3"), "reportd should log that it serves the inherited fd: \(log)")
    }

    @Test("SIGHUP swaps in the re-read corpus while clients keep getting answers")
    func reloadUnderLoad() throws {
        var reports = Fixtures.reports
        reports.removeValue(forKey: "2000")
        let corpus = try DaemonProcess.makeCorpus(reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let counters = LoadCounters()
        let socketPath = daemon.socketPath
        let expected = reports["1001"]!
        let workers = (0..<2).map { _ in
            Thread {
                guard let client = try? ReportClient(socketPath: socketPath) else {
                    counters.failures.add(1, ordering: .relaxed)
                    return
                }
                while !counters.stop.load(ordering: .relaxed) {
                    if (try? client.get("1001")) != .plain(ByteBuffer(bytes: expected)) {
                        counters.failures.add(1, ordering: .relaxed)
                    }
                    counters.requests.add(1, ordering: .relaxed)
                }
            }
        }
        workers.forEach { $0.start() }
        Thread.sleep(forTimeInterval: 0.3)
        try Data("Báo cáo mới sau khi nạp lại\n".utf8).write(to: corpus.appendingPathComponent("3000.txt"))
        kill(daemon.process.processIdentifier, SIGHUP)
        let probe = try ReportClient(socketPath: socketPath)
        var appeared = false
        for _ in 0..<400 where !appeared {
            appeared = (try? probe.get("3000")) != .missing
            if !appeared { Thread.sleep(forTimeInterval: 0.05) }
        }
        Thread.sleep(forTimeInterval: 0.3)
        counters.stop.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(appeared, "the report added before SIGHUP should be served after the reload")
        #expect(counters.failures.load(ordering: .relaxed) == 0)
        #expect(counters.requests.load(ordering: .relaxed) > 50)
    }

    @Test("a failed reload keeps the old corpus and says why")
    func failedReloadKeepsOldCorpus() throws {
        let dir = try Self.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let config = dir.appendingPathComponent("reportd.conf")
        try Data("import = \(corpus.path)\n".utf8).write(to: config)
        let daemon = try DaemonProcess(arguments: ["--config", config.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        try Data("import = \(corpus.path)\nimport = \(dir.path)/missing\n".utf8).write(to: config)
        let reply = try client.connection.call(.reload)
        guard case .failure(let status, let message) = reply else {
            Issue.record("reload should fail, got \(reply)")
            return
        }
        #expect(status == .internalError)
        #expect(message.contains("missing"))
        #expect(try client.get("1001") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))
        try Data("import = \(corpus.path)\nbogus-key = 1\n".utf8).write(to: config)
        guard case .failure(_, let message2) = try client.connection.call(.reload) else {
            Issue.record("reload with a bad config should fail")
            return
        }
        #expect(message2.contains("reportd.conf:2"))
    }

    @Test("writes and admin requests are refused for other uids and allowed for root")
    func peerCredentialsGateAdminRequests() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            // Needs root to run the client as another uid; CI runs as root.
            Issue.record("this test needs root and setpriv (util-linux) to act as another uid")
            return
        }
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path, "--socket-mode", "0666"])
        chmod(daemon.directory.path, 0o755)
        chmod(corpus.path, 0o755)
        func asNobody(_ arguments: [String]) throws -> (Int32, String) {
            let run = try daemon.runReportctlAsNobody(arguments)
            return (run.status, run.stderr)
        }
        let read = try asNobody(["get", "1001"])
        #expect(read.0 == 0, "reads are for anyone who can open the socket: \(read.1)")
        let denied = try asNobody(["reload"])
        #expect(denied.0 == 70)
        #expect(denied.1.contains("not allowed"))
        for command in [["del", "1001"], ["snapshot"], ["put", "--id", "x", corpus.appendingPathComponent("1001.txt").path]] {
            let refused = try asNobody(command)
            #expect(refused.0 == 70, "\(command): \(refused.1)")
            #expect(refused.1.contains("not allowed"), "\(command): \(refused.1)")
        }
        #expect(try ReportClient(socketPath: daemon.socketPath).get("1001") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))
        let root = try ReportClient(socketPath: daemon.socketPath)
        #expect(try root.connection.call(.reload) == .done)
        #expect(try root.connection.call(.shutdown) == .done)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
        #expect(daemon.stderrText().contains("permission denied: RELOAD from uid 65534"))
    }

    @Test("--check-config prints the effective settings, and a bad file exits 78 naming file:line")
    func checkConfig() throws {
        let dir = try Self.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.conf")
        try Data("socket = /tmp/x.sock\nmax-connections = 7\nidle-timeout = 30s\n".utf8).write(to: good)
        let bad = dir.appendingPathComponent("bad.conf")
        try Data("# fine\nmax-connections = lots\n".utf8).write(to: bad)
        func reportd(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("reportd")
            process.arguments = arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let ok = try reportd(["--config", good.path, "--check-config", "--max-connections", "9"])
        #expect(ok.0 == 0)
        #expect(ok.1.contains("socket = /tmp/x.sock"))
        #expect(ok.1.contains("max-connections = 9"), "a flag overrides the file")
        #expect(ok.1.contains("idle-timeout = 30s"), "printed as the file spells it")
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/reportd.conf")
        // The shipped file must parse; on this machine a start may still lack what install.sh
        // creates (group reportd, /srv/reportd/import, /run/reportd), which the checks name.
        let sample = try reportd(["--config", shipped.path, "--check-config"])
        #expect(!sample.1.contains("configuration error"), "the shipped scripts/reportd.conf must be valid: \(sample.1)")
        #expect(sample.1.contains("import = /srv/reportd/import") && sample.1.contains("data-dir = /var/lib/reportd"))
        for line in sample.1.split(separator: "\n") where line.hasPrefix("reportd: ") && !line.contains("a start would fail") {
            #expect(
                line.contains("socket-group") || line.contains("/srv/reportd/import") || line.contains("/run/reportd"),
                "only what install.sh sets up may be missing: \(line)")
        }
        let failed = try reportd(["--config", bad.path, "--check-config"])
        #expect(failed.0 == 78)
        #expect(failed.1.contains("bad.conf:2"))
    }
}

/// Counters shared by the load threads of a test.
final class LoadCounters: Sendable {
    let stop = Atomic<Bool>(false)
    let failures = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
}
