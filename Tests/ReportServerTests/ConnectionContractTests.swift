// Integration tests for what one connection may rely on (PROTOCOL.md §1.1-§1.3, §7), each
// against the real daemon: answers queued for a client that does not read are capped in bytes;
// everything received before a half-close or a framing error is answered; requests take effect
// in the order sent; heavy reads run off the event loops; a reserve of slots for operators; the
// idle timeout counts whole requests.
import Foundation
import NIOCore
import ReportClient
import ReportProtocol
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("one connection's contract, against a real reportd")
struct ConnectionContractTests {
    /// The bytes of `request` as a frame with `requestID`.
    static func frame(_ request: Request, id: UInt32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeRequest(request, requestID: id)
        return Array(buffer.readableBytesView)
    }

    /// Reads one response frame from a raw socket: (request id, decoded response).
    static func readResponse(_ socket: RawSocket, opcode: Opcode) throws -> (UInt32, Response) {
        let head = socket.receive(12)
        guard head.count == 12 else { throw TestFailure("no response header (got \(head.count) bytes)") }
        var buffer = ByteBuffer(bytes: head)
        let length = Int(head[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let body = socket.receive(length)
        guard body.count == length else { throw TestFailure("short response body: \(body.count) of \(length)") }
        buffer.writeBytes(body)
        var parser = FrameParser(maxBodyBytes: 1 << 30)
        guard case .frame(let frame)? = try parser.next(&buffer) else { throw TestFailure("unparsable response frame") }
        return (frame.header.requestID, try Response.decode(frame))
    }

    /// VmRSS of `pid` in bytes.
    static func residentBytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let kilobytes = status.split(separator: "\n").first { $0.hasPrefix("VmRSS") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        return kilobytes * 1024
    }

    /// `count` generated reports of about `bytes` bytes each (distinct texts, no corpus needed).
    static func largeReports(count: Int, bytes: Int) -> [String: [UInt8]] {
        let words = ["báo", "cáo", "tình", "hình", "kinh", "tế", "xã", "hội", "quý", "III", "tỉnh", "Bình", "Định", "2024"]
        var reports: [String: [UInt8]] = [:]
        for n in 0..<count {
            var state = UInt64(n + 1) &* 0x9E37_79B9_7F4A_7C15
            var text: [UInt8] = Array("Báo cáo số \(n)\n".utf8)
            while text.count < bytes {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += Array(words[Int(state >> 58) % words.count].utf8) + [state & 0x0F00 == 0 ? 10 : 32]
            }
            reports["big\(n)"] = text
        }
        return reports
    }

    static func stats(_ client: ReportClient) throws -> [String: UInt64] {
        Dictionary(try client.stats().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: 1. back-pressure in bytes

    @Test("a client pipelining large MGETs without reading grows reportd by at most the byte cap + 32 MB")
    func queuedAnswersAreCappedInBytes() throws {
        let reports = Self.largeReports(count: 12, bytes: 250_000)
        let corpus = try DaemonProcess.makeCorpus(reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path, "--no-search-index"])
        let pid = daemon.process.processIdentifier
        let ids = reports.keys.sorted()
        let observer = try ReportClient(socketPath: daemon.socketPath)
        _ = try observer.mget(ids)  // warm up: inflaters, buffers
        let cap = 64 << 20
        #expect(try Self.stats(observer)["limit_max_queued_bytes"] == UInt64(cap))
        let baseline = Self.residentBytes(pid)
        let greedy = try RawSocket(path: daemon.socketPath, timeoutSeconds: 30)
        // 150 MGETs of ~3 MB answers each: ~450 MB if reportd buffered them all.
        let requests = 150
        greedy.send((1...requests).flatMap { Self.frame(.mget(ids: ids, raw: false), id: UInt32($0)) })
        var peak = 0
        let until = Date().addingTimeInterval(4)
        while Date() < until {
            peak = max(peak, Self.residentBytes(pid))
            Thread.sleep(forTimeInterval: 0.05)
        }
        let answered = try Self.stats(observer)["requests"] ?? 0
        #expect(answered >= 10, "reportd must answer up to the cap before it stops (answered \(answered))")
        #expect(answered < UInt64(requests), "reportd must stop answering a client that does not read")
        #expect(peak - baseline <= cap + (32 << 20), "RSS grew by \((peak - baseline) >> 20) MB over a \(cap >> 20) MiB cap")
        // The other connections are served meanwhile, and once the client reads, everything comes.
        #expect(try observer.ping(payload: [9]) == [9])
        for n in 1...requests {
            let (id, response) = try Self.readResponse(greedy, opcode: .mget)
            #expect(id == UInt32(n))
            guard case .reports(let items) = response, items.count == ids.count else {
                Issue.record("answer \(n) is \(response)")
                return
            }
        }
    }

    // MARK: 2. everything received is answered

    @Test("requests sent before shutdown(SHUT_WR) are all answered, then the connection closes")
    func halfCloseIsAnswered() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let socket = try RawSocket(path: daemon.socketPath)
        var payload = ByteBuffer()
        payload.writeBytes([1, 2, 3])
        let text = ByteBuffer(bytes: Array("Báo cáo mới\n".utf8))
        // A PUT (answered once committed) and a SEARCH (run on a worker) finish after the EOF is read.
        socket.send(Self.frame(.ping(payload), id: 1) + Self.frame(.put(id: "9001", text: text), id: 2)
            + Self.frame(.get(id: "9001", raw: false), id: 3) + Self.frame(.count(query: "Đảng", fold: false), id: 4))
        socket.shutdownWrite()
        let (id1, pong) = try Self.readResponse(socket, opcode: .ping)
        #expect(id1 == 1 && pong == .pong(payload))
        let (id2, put) = try Self.readResponse(socket, opcode: .put)
        #expect(id2 == 2 && put == .done)
        let (id3, report) = try Self.readResponse(socket, opcode: .get)
        #expect(id3 == 3 && report == .report(.plain(text)))
        let (id4, count) = try Self.readResponse(socket, opcode: .count)
        #expect(id4 == 4 && count == .count(1))
        #expect(socket.peerClosedOrReset())
    }

    @Test("requests sent before a frame with bad magic are answered before the connection closes")
    func requestsBeforeBadMagicAreAnswered() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let socket = try RawSocket(path: daemon.socketPath)
        let text = ByteBuffer(bytes: Array("Tin vắn\n".utf8))
        socket.send(Self.frame(.get(id: "1002", raw: false), id: 1) + Self.frame(.put(id: "9002", text: text), id: 2)
            + Self.frame(.search(SearchRequest(query: "dấu")), id: 3) + Array("GET / HTTP/1.0\r\n\r\n".utf8))
        let (id1, report) = try Self.readResponse(socket, opcode: .get)
        #expect(id1 == 1 && report == .report(.plain(ByteBuffer(bytes: Fixtures.reports["1002"]!))))
        let (id2, put) = try Self.readResponse(socket, opcode: .put)
        #expect(id2 == 2 && put == .done)
        let (id3, search) = try Self.readResponse(socket, opcode: .search)
        guard case .search(let page) = search else {
            Issue.record("SEARCH answered \(search)")
            return
        }
        #expect(id3 == 3 && page.totalHits >= 1, "\(page)")
        #expect(socket.peerClosedOrReset())
        // The PUT took effect, and the daemon serves on.
        #expect(try ReportClient(socketPath: daemon.socketPath).get("9002") == .plain(text))
    }

    // MARK: 3. order on one connection

    @Test("a GET pipelined after a PUT of the same id sees the PUT, 20 times out of 20")
    func pipelinedReadYourWrites() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let client = try ReportClient(socketPath: daemon.socketPath)
        for round in 0..<20 {
            let text = Array("phiên bản \(round)\n".utf8)
            client.connection.send(.put(id: "1001", text: ByteBuffer(bytes: text)))
            client.connection.send(.get(id: "1001", raw: false))
            client.connection.send(.count(query: "phiên", fold: false))
            #expect(try client.connection.receive().response == .done)
            #expect(try client.connection.receive().response == .report(.plain(ByteBuffer(bytes: text))), "round \(round)")
            #expect(try client.connection.receive().response == .count(1), "round \(round)")
        }
        // PUT (replace) → PING → GET, and DEL → GET, all pipelined.
        let replaced = Array("thay thế\n".utf8)
        client.connection.send(.put(id: "1002", text: ByteBuffer(bytes: replaced)))
        client.connection.send(.ping(ByteBuffer()))
        client.connection.send(.get(id: "1002", raw: false))
        client.connection.send(.delete(id: "1003"))
        client.connection.send(.mget(ids: ["1003", "1002"], raw: false))
        #expect(try client.connection.receive().response == .done)
        #expect(try client.connection.receive().response == .pong(ByteBuffer()))
        #expect(try client.connection.receive().response == .report(.plain(ByteBuffer(bytes: replaced))))
        #expect(try client.connection.receive().response == .done)
        #expect(try client.connection.receive().response == .reports([.missing, .plain(ByteBuffer(bytes: replaced))]))
        // A failed write is seen as failed: the GET after a refused PUT still sees the old text.
        client.connection.send(.put(id: "1002", text: ByteBuffer(bytes: [0xFF, 0xFE])))
        client.connection.send(.get(id: "1002", raw: false))
        guard case .failure(.badRequest, _) = try client.connection.receive().response else {
            Issue.record("a PUT of invalid UTF-8 must be refused")
            return
        }
        #expect(try client.connection.receive().response == .report(.plain(ByteBuffer(bytes: replaced))))
    }

    // MARK: 4. heavy reads off the event loop

    /// CPU time (user + system, in clock ticks) of each thread of `pid`, by thread name.
    static func threadCPU(_ pid: Int32) -> [String: Int] {
        var byName: [String: Int] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for tid in tasks {
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after "(comm)": state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
            byName[comm.trimmingCharacters(in: .whitespacesAndNewlines), default: 0] += user + system
        }
        return byName
    }

    @Test("COUNTs run on the worker pool, not on the event loop, and a GET on another connection is answered meanwhile")
    func heavyReadsLeaveTheLoopFree() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon(["--threads", "1"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let pid = daemon.process.processIdentifier
        let heavy = try ReportClient(socketPath: daemon.socketPath)
        let before = Self.threadCPU(pid)
        let total = 400
        for _ in 0..<total { heavy.connection.send(.count(query: "\"phát triển bền vững\" OR \"kinh tế xã hội\"", fold: true)) }
        // The first answer proves the batch is being worked on.
        guard case .count = try heavy.connection.receive().response else {
            Issue.record("COUNT failed")
            return
        }
        let other = try ReportClient(socketPath: daemon.socketPath)
        #expect(try other.get("1001") == .plain(ByteBuffer(bytes: Fixtures.reports["1001"]!)))
        for _ in 1..<total {
            guard case .count = try heavy.connection.receive().response else {
                Issue.record("COUNT failed")
                return
            }
        }
        let after = Self.threadCPU(pid)
        func spent(_ prefix: String) -> Int {
            after.filter { $0.key.hasPrefix(prefix) }.reduce(0) { $0 + $1.value - (before[$1.key] ?? 0) }
        }
        // NIO names event-loop threads NIO-ELT-…, NIOThreadPool's TP-#….
        let loop = spent("NIO-ELT")
        let pool = spent("TP-")
        #expect(pool > loop, "CPU ticks: worker pool \(pool), event loop \(loop) (threads: \(after.keys.sorted()))")
    }

    // MARK: 5. slots and idleness

    @Test("with every unprivileged slot taken, nobody gets BUSY and root still connects")
    func reservedSlots() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            Issue.record("this test needs root and setpriv (util-linux) to act as another uid")
            return
        }
        // 5 slots, 2 reserved: unprivileged peers are admitted while fewer than 3 connections are
        // open (root's count too).
        let (daemon, corpus) = try HostileClientTests.startDaemon(
            ["--max-connections", "5", "--reserved-connections", "2", "--socket-mode", "0666"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        chmod(daemon.directory.path, 0o755)
        func asNobody(_ arguments: [String], stdin: Pipe? = nil) throws -> (Process, Pipe) {
            try daemon.reportctlAsNobody(arguments, stdin: stdin)
        }
        // One root connection watches throughout (new probes would take slots themselves).
        let watcher = try ReportClient(socketPath: daemon.socketPath)
        func openConnections(_ expected: UInt64) throws -> UInt64 {
            var open: UInt64 = 0
            let settle = Date().addingTimeInterval(10)
            while Date() < settle {
                open = try Self.stats(watcher)["connections_open"] ?? 0
                if open == expected { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return open
        }
        // Two unprivileged clients hold the two slots left to them (`get -` waits on its stdin).
        var holders: [(Process, Pipe)] = []
        for _ in 0..<2 { holders.append(try asNobody(["get", "-"], stdin: Pipe())) }
        defer {
            for (process, _) in holders where process.isRunning { process.terminate() }
        }
        #expect(try openConnections(3) == 3, "two unprivileged holders and the watcher")
        let (refused, err) = try asNobody(["stats"])
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        refused.waitUntilExit()
        #expect(refused.terminationStatus == 69, "\(message)")
        #expect(message.contains("busy") && message.contains("reserved"), "\(message)")
        // root takes the reserved slots, with the whole of STATS, once the refused one is gone.
        #expect(try openConnections(3) == 3, "the refused peer's connection is closed")
        let second = try ReportClient(socketPath: daemon.socketPath)
        let stats = try Self.stats(second)
        #expect(stats["connections_refused"] == 1)
        #expect(stats["limit_reserved_connections"] == 2)
        #expect(stats["connections_open"] == 4)
        let third = try ReportClient(socketPath: daemon.socketPath)
        #expect(try third.ping(payload: [4]) == [4])
        #expect(try openConnections(5) == 5)
        // Past all slots even root is told BUSY, not reset.
        do {
            _ = try ReportClient(socketPath: daemon.socketPath)
            Issue.record("a sixth connection must be refused")
        } catch {
            #expect(error.code == .server(.busy), "\(error)")
        }
    }

    @Test("the idle timeout counts whole requests: one byte per window does not keep a connection")
    func idleTimeoutCountsRequests() throws {
        let (daemon, corpus) = try HostileClientTests.startDaemon(["--idle-timeout", "1s"])
        defer { try? FileManager.default.removeItem(at: corpus) }
        let trickler = try RawSocket(path: daemon.socketPath, timeoutSeconds: 6)
        // A PING header announcing 100 body bytes, then one body byte every 0.2 s.
        trickler.send(HostileClientTests.header(opcode: 0x02, requestID: 1, length: 100))
        let stop = Atomic<Bool>(false)
        let sender = Thread {
            while !stop.load(ordering: .relaxed) {
                trickler.send([0x41])
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        sender.start()
        defer { stop.store(true, ordering: .relaxed) }
        let start = Date()
        #expect(trickler.peerClosedOrReset(), "a connection sending one byte per 0.2 s must be closed after --idle-timeout 1")
        #expect(Date().timeIntervalSince(start) < 4)
        // Whole requests do keep it: PINGs every 0.3 s for 2 s.
        let pinger = try ReportClient(socketPath: daemon.socketPath)
        for _ in 0..<7 {
            #expect(try pinger.ping(payload: [1]) == [1])
            Thread.sleep(forTimeInterval: 0.3)
        }
    }

    // MARK: STATS as documented

    @Test("STATS serves exactly the keys PROTOCOL.md §5.5 lists, in its order, with and without a data directory")
    func statsKeysAreDocumented() throws {
        let protocolURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol/PROTOCOL.md")
        let text = try String(contentsOf: protocolURL, encoding: .utf8)
        guard let start = text.range(of: "### 5.5 STATS"),
            let end = text.range(of: "**Statuses.**", range: start.upperBound..<text.endIndex)
        else {
            throw TestFailure("PROTOCOL.md has no §5.5")
        }
        // The first column of the key table: one or more `key` names per row.
        var documented: [String] = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| `") {
            let column = line.dropFirst(2).prefix { $0 != "|" }
            documented += column.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        let (daemon, corpus) = try HostileClientTests.startDaemon()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let served = try ReportClient(socketPath: daemon.socketPath).stats().map(\.key)
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-stats-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDir) }
        let persistent = try DaemonProcess(arguments: ["--data-dir", dataDir.path])
        let servedPersistent = try ReportClient(socketPath: persistent.socketPath).stats().map(\.key)
        #expect(servedPersistent == documented, "served with --data-dir: \(servedPersistent)")
        #expect(served == Array(documented.prefix { $0 != "persistent" }) + ["persistent"], "served: \(served)")
    }
}
