// BusyTests: what a peer refused for want of a connection slot sees (PROTOCOL.md §1.3) — BUSY as
// soon as its first header arrives, whatever the body — and what the operator sees: at most one
// log line a second for a flood of refusals, each saying how many were not logged; and a burst of
// connects the daemon cannot accept at once waits in the listen backlog instead of failing.
import Foundation
import ReportClient
import ReportProtocol
@testable import ReportServer
import Testing

@Suite("refused connections")
struct BusyTests {
    /// A daemon with `--max-connections 2` whose two slots are held; returns it and the holders.
    static func fullDaemon() throws -> (DaemonProcess, URL, [AnyObject]) {
        let (daemon, corpus) = try HostileClientTests.startDaemon(["--max-connections", "2"])
        let first = try ReportClient(socketPath: daemon.socketPath)
        // Wait until the start-up probe is gone (see LimitTests.maxConnections).
        let settle = Date().addingTimeInterval(5)
        while Date() < settle {
            let stats = Dictionary(try first.stats().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            if stats["connections_accepted"] == 2 && stats["connections_open"] == 1 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let second = try RawSocket(path: daemon.socketPath)
        second.send(HostileClientTests.header(opcode: 0x02, requestID: 1, length: 0))
        guard try HostileClientTests.readStatus(second) == (1, Status.ok.rawValue) else { throw TestFailure("second slot not taken") }
        return (daemon, corpus, [first, second])
    }

    @Test("a refused peer gets BUSY once its first header is in, for an 8 MB PUT sent in part or whole")
    func busyAtTheHeader() throws {
        let (daemon, corpus, holders) = try Self.fullDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let body = 8 << 20
        // Header and 1 MB of the body, then nothing: BUSY all the same, then closed (patience 2 s).
        let partial = try RawSocket(path: daemon.socketPath)
        partial.send(HostileClientTests.header(opcode: 0x30, requestID: 7, length: UInt32(body)) + [UInt8](repeating: 0x41, count: 1 << 20))
        #expect(try HostileClientTests.readStatus(partial) == (7, Status.busy.rawValue))
        let waited = Date()
        #expect(partial.peerClosedOrReset())
        #expect(Date().timeIntervalSince(waited) < 4)
        // The whole 8 MB frame, written while the answer waits: the body is read and discarded.
        let whole = try RawSocket(path: daemon.socketPath)
        let frame = HostileClientTests.header(opcode: 0x30, requestID: 8, length: UInt32(body)) + [UInt8](repeating: 0x42, count: body)
        let writer = Thread { whole.send(frame) }
        writer.start()
        #expect(try HostileClientTests.readStatus(whole) == (8, Status.busy.rawValue))
        #expect(whole.peerClosedOrReset())
        withExtendedLifetime(holders) {}
    }

    @Test("a flood of refusals is logged at most once a second, each line counting the refusals it stands for")
    func refusalsAreThrottledInTheLog() throws {
        let (daemon, corpus, holders) = try Self.fullDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let watcher = try #require(holders.first as? ReportClient)
        func stats() throws -> [String: UInt64] {
            Dictionary(try watcher.stats().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let before = try stats()
        let started = Date()
        func refuse(_ id: UInt32) throws {
            let socket = try RawSocket(path: daemon.socketPath)
            socket.send(HostileClientTests.header(opcode: 0x02, requestID: id, length: 0))
            #expect(try HostileClientTests.readStatus(socket) == (id, Status.busy.rawValue))
        }
        for id in 1...50 { try refuse(UInt32(id)) }
        Thread.sleep(forTimeInterval: 1.1)
        try refuse(51)  // over a second after the first line: logged, with the count of the others
        let seconds = Date().timeIntervalSince(started)
        // PROTOCOL §5.5: BUSY answers count in connections_refused only (+1: the STATS before).
        let after = try stats()
        #expect(after["connections_refused"] == 51)
        #expect(after["requests"] == (before["requests"] ?? 0) + 1 && after["request_errors"] == before["request_errors"])
        withExtendedLifetime(holders) {}
        daemon.stop()
        let lines = daemon.stderrText().split(separator: "\n").filter { $0.contains("connection refused with BUSY") }
        #expect(lines.count >= 2 && Double(lines.count) <= seconds + 1, "\(lines.count) lines in \(seconds) s")
        #expect(lines.first?.contains("all 2 connection slots are taken; try again later") == true, "\(lines.first ?? "")")
        let unlogged = lines.map { line -> Int in
            guard let range = line.range(of: "; "), let end = line.range(of: " more refused since the last such line") else { return 0 }
            return Int(line[range.upperBound..<end.lowerBound].split(separator: " ").last ?? "") ?? 0
        }
        #expect(lines.count + unlogged.reduce(0, +) == 51, "every refusal is a line or counted in one: \(lines)")
    }

    @Test("a burst of 600 connects while reportd accepts nothing waits in the backlog: none fails with EAGAIN")
    func burstWaitsInTheBacklog() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        daemon.pause()
        let result: (failed: Int, tried: Int)
        do {
            defer { kill(daemon.process.processIdentifier, SIGCONT) }
            result = try RawSocket.burstOfConnects(path: daemon.socketPath, count: 600)
        }
        #expect(result.failed == 0, "\(result.failed) of \(result.tried) connects failed while the daemon was stopped")
        #expect(try ReportClient(socketPath: daemon.socketPath).ping(payload: Array("up".utf8)) == Array("up".utf8))
    }

    @Test("ThrottledWarning logs the first event, then one per interval with the count of the others")
    func throttle() {
        let throttle = ThrottledWarning(intervalNanoseconds: 1000)
        #expect(throttle.record(now: 5) == 0)
        #expect(throttle.record(now: 500) == nil)
        #expect(throttle.record(now: 1004) == nil)
        #expect(throttle.record(now: 1005) == 2)
        #expect(throttle.record(now: 1500) == nil)
        #expect(throttle.record(now: 9000) == 1)
        #expect(throttle.record(now: 9000) == nil)
    }
}
