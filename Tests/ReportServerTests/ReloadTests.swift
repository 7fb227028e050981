// ReloadTests: what RELOAD and SIGHUP change in a running reportd — write access from the
// re-read config file (revoked and granted for the requests that follow), and the keys that need
// a restart, which are logged and kept (PROTOCOL.md §5.12, scripts/reportd.conf).
import Foundation
import NIOCore
import ReportClient
import ReportProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("reload")
struct ReloadTests {
    @Test("without a data directory a reload replaces the corpus with the imports: acknowledged PUTs and DELs are gone")
    func reloadWithoutDataDirectoryDropsWrites() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        try client.put(id: "new", text: Array("Mới\nthêm".utf8))
        #expect(try client.delete("1001"))
        #expect(try client.connection.call(.reload) == .done)
        #expect(try client.get("new") == .missing)
        #expect(try client.get("1001") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))
    }

    @Test("a reload revokes and grants write-users; max-connections and idle-timeout are logged as needing a restart")
    func reloadAppliesWriteAccess() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            Issue.record("this test needs root and setpriv (util-linux) to act as another uid")
            return
        }
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let dir = try SystemdTests.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("t.conf")
        func writeConfig(_ extra: String) throws {
            try Data("import = \(corpus.path)\nsocket-mode = 0666\n\(extra)".utf8).write(to: config)
        }
        try writeConfig("write-users = nobody\n")
        let daemon = try DaemonProcess(arguments: ["--config", config.path])
        chmod(daemon.directory.path, 0o755)
        chmod(corpus.path, 0o755)
        let text = corpus.appendingPathComponent("1001.txt").path
        func asNobody(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
            let run = try daemon.runReportctlAsNobody(arguments)
            return (run.status, run.stderr)
        }
        let allowed = try asNobody(["put", "--id", "n1", text])
        #expect(allowed.status == 0, "write-users = nobody lets uid 65534 write: \(allowed.stderr)")

        // Revoked by RELOAD: the next request of the same client is refused.
        try writeConfig("max-connections = 7\nidle-timeout = 9s\n")
        let root = try ReportClient(socketPath: daemon.socketPath)
        #expect(try root.connection.call(.reload) == .done)
        let revoked = try asNobody(["put", "--id", "n2", text])
        #expect(revoked.status == 70, "PERMISSION_DENIED after the reload: \(revoked.stderr)")
        #expect(revoked.stderr.contains("not allowed"), "\(revoked.stderr)")
        #expect(try root.get("n2") == .missing)
        // The running limits did not change.
        let stats = try root.connection.call(.stats)
        guard case .stats(let entries) = stats else {
            Issue.record("STATS failed: \(stats)")
            return
        }
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(values["limit_max_connections"] == 1024 && values["limit_idle_timeout_ms"] == 300_000)

        // Granted again by SIGHUP: applied once the reload completes.
        try writeConfig("write-users = 65534\n")
        kill(daemon.process.processIdentifier, SIGHUP)
        var granted = try asNobody(["put", "--id", "n3", text])
        let deadline = Date().addingTimeInterval(20)
        while granted.status != 0 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            granted = try asNobody(["put", "--id", "n3", text])
        }
        #expect(granted.status == 0, "write-users = 65534 granted by SIGHUP: \(granted.stderr)")
        #expect(try root.get("n3") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))

        daemon.stop()
        let log = daemon.stderrText()
        #expect(log.contains("max-connections changed in the configuration (1024 -> 7); it needs a restart"), "\(log)")
        #expect(log.contains("idle-timeout changed in the configuration (5m -> 9s); it needs a restart"), "\(log)")
        #expect(log.contains("write-users (none)") && log.contains("write-users 65534"), "\(log)")
    }
}
