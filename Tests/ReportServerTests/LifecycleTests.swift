// Integration tests: start-up and shutdown as an operator sees them — SIGTERM stops
// cleanly and removes the socket, a live daemon's socket is never stolen, a stale one
// is replaced, and bad import inputs are reported without stopping the import.
import Foundation
import ReportClient
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("daemon lifecycle")
struct LifecycleTests {
    @Test("SIGTERM stops reportd with status 0 and removes its socket")
    func sigtermStopsCleanly() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(daemon.stderrText().contains("stopped"))
    }

    @Test("a second reportd refuses to take over a live socket")
    func refusesLiveSocket() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let first = try DaemonProcess(arguments: ["--import", corpus.path])
        let second = try DaemonProcess(arguments: [], socketPath: first.socketPath, waitForSocket: false)
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 69)
        #expect(second.stderrText().contains("another process"))
        // The first one still serves.
        let client = try ReportClient(socketPath: first.socketPath)
        #expect(try client.ping(payload: [9]) == [9])
    }

    @Test("a stale socket file is replaced")
    func replacesStaleSocket() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.sock").path
        // Bind a socket and close it without unlinking: what a killed daemon leaves behind.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(fd)
        let daemon = try DaemonProcess(arguments: [], socketPath: path)
        let client = try ReportClient(socketPath: path)
        #expect(try client.ping() == [])
        daemon.stop()
        #expect(daemon.stderrText().contains("stale"))
    }

    @Test("a path that is not a socket is left alone")
    func refusesRegularFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("notsock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("important.txt").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        let daemon = try DaemonProcess(arguments: [], socketPath: path, waitForSocket: false)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus != 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test("bad inputs are reported by path and reason and the rest loads")
    func badInputsAreReported() throws {
        var reports = Fixtures.reports
        reports["bad-utf8"] = [0x41, 0xFF, 0xFE, 0x42]
        reports["empty"] = []
        let corpus = try DaemonProcess.makeCorpus(reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        // A missing import path stops the start instead (StartupCheckTests).
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let client = try ReportClient(socketPath: daemon.socketPath)
        let stats = Dictionary(try client.stats().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(stats["reports"] == UInt64(Fixtures.reports.count))
        daemon.stop()
        let log = daemon.stderrText()
        #expect(log.contains("bad-utf8.txt"))
        #expect(log.contains("empty.txt"))
    }
}
