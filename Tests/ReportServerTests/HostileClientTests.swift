// Integration tests: whatever one client sends, the daemon answers with an error
// while framing is intact, closes only that connection when it is not, and keeps
// serving everyone else.
import Foundation
import NIOCore
import ReportClient
import ReportProtocol
import Testing

@Suite("hostile clients against a real reportd")
struct HostileClientTests {
    static func header(opcode: UInt8, requestID: UInt32, length: UInt32, magic: UInt8 = 0xD5, version: UInt8 = 1) -> [UInt8] {
        var bytes: [UInt8] = [magic, version, opcode, 0]
        bytes += withUnsafeBytes(of: requestID.bigEndian, Array.init)
        bytes += withUnsafeBytes(of: length.bigEndian, Array.init)
        return bytes
    }

    /// Reads one response frame from a raw socket; returns (request id, status).
    static func readStatus(_ socket: RawSocket) throws -> (UInt32, UInt16) {
        let head = socket.receive(12)
        guard head.count == 12 else { throw TestFailure("no response header (got \(head.count) bytes)") }
        let requestID = head[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let length = Int(head[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let body = socket.receive(length)
        guard body.count >= 2 else { throw TestFailure("short response body") }
        return (requestID, UInt16(body[0]) << 8 | UInt16(body[1]))
    }

    static func startDaemon(_ extra: [String] = []) throws -> (DaemonProcess, URL) {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        return (try DaemonProcess(arguments: ["--import", corpus.path] + extra), corpus)
    }

    @Test("a bad magic byte closes that connection only")
    func badMagicClosesOnlyThatConnection() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let good = try ReportClient(socketPath: daemon.socketPath)
        let bad = try RawSocket(path: daemon.socketPath)
        bad.send(Self.header(opcode: 0x02, requestID: 1, length: 0, magic: 0x47) + Array("ET / HTTP/1.0\r\n\r\n".utf8))
        #expect(bad.peerClosed())
        #expect(try good.get("1001") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))
        #expect(daemon.process.isRunning)
    }

    @Test("an oversized frame gets FRAME_TOO_LARGE and the connection keeps working")
    func oversizedFrameIsAnsweredAndSkipped() throws {
        // The smallest frame limit reportd accepts, and a report limit that fits in it.
        let (daemon, corpus) = try Self.startDaemon(["--max-frame-bytes", "64k", "--max-report-bytes", "32k"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let socket = try RawSocket(path: daemon.socketPath)
        socket.send(Self.header(opcode: 0x02, requestID: 7, length: 70_000) + [UInt8](repeating: 0x41, count: 70_000))
        let (id, status) = try Self.readStatus(socket)
        #expect(id == 7)
        #expect(status == Status.frameTooLarge.rawValue)
        socket.send(Self.header(opcode: 0x02, requestID: 8, length: 3) + [1, 2, 3])
        let (id2, status2) = try Self.readStatus(socket)
        #expect(id2 == 8 && status2 == Status.ok.rawValue)
    }

    @Test("a PING whose echo would exceed maxFrameBytes gets TOO_MANY_ITEMS; one byte less is echoed")
    func pingEchoLimit() throws {
        let (daemon, corpus) = try Self.startDaemon(["--max-frame-bytes", "64k", "--max-report-bytes", "32k"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let socket = try RawSocket(path: daemon.socketPath)
        // The answer is the u16 status and the payload: 65,534 bytes fit a 65,536-byte body.
        socket.send(Self.header(opcode: 0x02, requestID: 1, length: 65_534) + [UInt8](repeating: 0x50, count: 65_534))
        #expect(try Self.readStatus(socket) == (1, Status.ok.rawValue))
        socket.send(Self.header(opcode: 0x02, requestID: 2, length: 65_535) + [UInt8](repeating: 0x50, count: 65_535))
        #expect(try Self.readStatus(socket) == (2, Status.tooManyItems.rawValue))
    }

    @Test("a 4 GiB length is rejected without waiting for the body")
    func hugeLengthIsRejectedAtOnce() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let socket = try RawSocket(path: daemon.socketPath)
        socket.send(Self.header(opcode: 0x10, requestID: 9, length: 0xFFFF_FFFF))
        let (id, status) = try Self.readStatus(socket)
        #expect(id == 9 && status == Status.frameTooLarge.rawValue)
        let other = try ReportClient(socketPath: daemon.socketPath)
        #expect(try other.ping(payload: [1]) == [1])
    }

    @Test("unknown opcode, unknown version and malformed bodies get error statuses on a live connection")
    func errorsKeepTheConnection() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let socket = try RawSocket(path: daemon.socketPath)
        socket.send(Self.header(opcode: 0x7E, requestID: 1, length: 2) + [0, 0])
        #expect(try Self.readStatus(socket) == (1, Status.unknownOpcode.rawValue))
        socket.send(Self.header(opcode: 0x10, requestID: 2, length: 1, version: 9) + [0])
        #expect(try Self.readStatus(socket) == (2, Status.unsupportedVersion.rawValue))
        // GET whose id length (0x00FF) runs past the 3-byte body.
        socket.send(Self.header(opcode: 0x10, requestID: 3, length: 3) + [0x00, 0xFF, 0x41])
        #expect(try Self.readStatus(socket) == (3, Status.badRequest.rawValue))
        // MGET claiming 1,000,000 ids in a 4-byte body.
        socket.send(Self.header(opcode: 0x11, requestID: 4, length: 4) + [0x00, 0x0F, 0x42, 0x40])
        let (id4, status4) = try Self.readStatus(socket)
        #expect(id4 == 4 && (status4 == Status.badRequest.rawValue || status4 == Status.tooManyItems.rawValue))
        socket.send(Self.header(opcode: 0x02, requestID: 5, length: 0))
        #expect(try Self.readStatus(socket) == (5, Status.ok.rawValue))
    }

    @Test("a client that disconnects mid-frame does not disturb others")
    func truncatedFrameThenDisconnect() throws {
        let (daemon, corpus) = try Self.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        for _ in 0..<20 {
            let socket = try RawSocket(path: daemon.socketPath)
            socket.send(Self.header(opcode: 0x10, requestID: 1, length: 100) + [0, 4, 0x31])
            socket.close()
        }
        let client = try ReportClient(socketPath: daemon.socketPath)
        #expect(try client.get("1002") == .plain(ByteBuffer(bytes: Fixtures.reports["1002"]!)))
        #expect(daemon.process.isRunning)
    }
}

@Suite("limits that keep one client from hurting others")
struct LimitTests {
    @Test("connections past --max-connections get BUSY and are counted; earlier ones keep working")
    func maxConnections() throws {
        // Two slots, both held (BusyTests.fullDaemon waits out the start-up probe first, or the
        // second holder would be the one past the limit).
        let (daemon, corpus, holders) = try BusyTests.fullDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let first = try #require(holders.first as? ReportClient)
        // The third is told why instead of being reset: its first request gets BUSY, then EOF.
        let third = try RawSocket(path: daemon.socketPath)
        third.send(HostileClientTests.header(opcode: 0x02, requestID: 5, length: 0))
        #expect(try HostileClientTests.readStatus(third) == (5, Status.busy.rawValue))
        #expect(third.peerClosed())
        let stats = Dictionary(try first.stats().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(stats["connections_refused"] == 1)
        #expect(stats["limit_max_connections"] == 2)
    }

    @Test("an idle connection is closed after --idle-timeout")
    func idleTimeout() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon(["--idle-timeout", "500ms"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let idle = try RawSocket(path: daemon.socketPath)
        let start = Date()
        #expect(idle.peerClosed())
        #expect(Date().timeIntervalSince(start) >= 0.4)
    }

    @Test("a client slow to read its answers is not closed by the idle timeout: every answer arrives whole")
    func slowReaderOutlivesIdleTimeout() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon(["--idle-timeout", "500ms"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let slow = try RawSocket(path: daemon.socketPath)
        // Four GETs of the 600 KB report: far more than the socket buffers hold, so most of the
        // answers wait in reportd while the client reads nothing for three idle windows.
        let one = HostileClientTests.header(opcode: 0x10, requestID: 1, length: 6) + [0, 4] + Array("2000".utf8)
        slow.send(Array(repeating: one, count: 4).flatMap { $0 })
        Thread.sleep(forTimeInterval: 1.5)
        for _ in 0..<4 {
            let head = slow.receive(12)
            #expect(head.count == 12)
            let length = Int(head[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            #expect(length > 600_000)
            #expect(slow.receive(length).count == length)
        }
        // Everything written and nothing asked for: now it idles out.
        #expect(slow.peerClosed())
    }

    @Test("a client that pipelines without reading is throttled, not buffered without bound")
    func slowReaderIsThrottled() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon(["--max-queued-responses", "4"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let greedy = try RawSocket(path: daemon.socketPath)
        // 20,000 GETs of the 600 KB report without reading: ~12 GB of answers if buffered.
        let one = HostileClientTests.header(opcode: 0x10, requestID: 1, length: 6) + [0, 4] + Array("2000".utf8)
        let frame = Array(repeating: one, count: 200).flatMap { $0 }
        let writer = Thread {
            for _ in 0..<100 { greedy.send(frame) }
        }
        writer.start()
        Thread.sleep(forTimeInterval: 1.0)
        let rss = try String(contentsOfFile: "/proc/\(daemon.process.processIdentifier)/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("VmRSS") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        #expect(rss < 400_000, "reportd RSS \(rss) kB: answers to a non-reading client must not pile up")
        let other = try ReportClient(socketPath: daemon.socketPath)
        #expect(try other.ping(payload: [7]) == [7])
        greedy.close()
    }
}
