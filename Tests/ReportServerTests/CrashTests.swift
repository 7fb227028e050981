// Crash and damage tests of the real reportd with a data directory: a client streams
// pipelined PUTs and DELs and records every acknowledgement while the daemon is killed with
// SIGKILL at a random moment, over and over; after each restart every acknowledged write must
// be there byte for byte, and a write that was in flight must be either wholly there or wholly
// absent. Then: a damaged snapshot stops reportd with exit 65 naming the file and --repair.
import Foundation
import NIOCore
import ReportClient
import ReportProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("crash safety of the data directory", .serialized)
struct CrashTests {
    /// Deterministic pseudo-random numbers (SplitMix64), so a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A report text made of generated Vietnamese syllables; some are large, so that a kill
    /// can land in the middle of writing one.
    static func text(_ random: inout Random, serial: Int) -> [UInt8] {
        let syllables = ["Hà", "Nội", "báo", "cáo", "Đảng", "ủy", "tỉnh", "thành", "phố", "kinh", "tế", "xã", "hội", "năm", "2024"]
        let words = random.below(10) == 0 ? 6000 + random.below(6000) : 5 + random.below(300)
        var text = "Bản tin \(serial)\n"
        for _ in 0..<words { text += syllables[random.below(syllables.count)] + " " }
        return Array(text.utf8)
    }

    /// What a restarted daemon may hold for one id: the last acknowledged value, or any value
    /// written after it whose acknowledgement was lost with the process (nil: absent).
    struct Expectation {
        var acknowledged: [UInt8]?
        var inDoubt: [[UInt8]?] = []
    }

    @Test("kill -9 at random moments loses no acknowledged write and leaves none half-written")
    func killNineRepeatedly() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var random = Random(state: UInt64(Date().timeIntervalSince1970 * 1000))
        let seed = random.state
        var model: [String: Expectation] = [:]
        let ids = (0..<120).map { "tin-\($0)" }
        var serial = 0
        var acknowledgedTotal = 0
        let policies = ["always", "everysec", "no"]
        let kills = 20
        for round in 0...kills {
            // Slow fsyncs on some rounds keep writes queued between the write and the sync for
            // longer than a pipelined batch takes to answer, so a kill often lands while some
            // are neither on disk nor acknowledged (an early acknowledgement would show).
            let daemon = try DaemonProcess(
                arguments: ["--data-dir", data.path, "--appendfsync", policies[round % 3]],
                environment: round % 2 == 0 ? ["REPORTD_TESTING_SYNC_DELAY_MS": "150"] : [:])
            // Every id must hold its acknowledged value, or one of the values in doubt.
            let client = try ReportClient(socketPath: daemon.socketPath)
            let items = try client.mget(ids)
            for (id, item) in zip(ids, items) {
                let stored: [UInt8]?
                switch item {
                case .plain(let buffer): stored = Array(buffer.readableBytesView)
                case .missing: stored = nil
                default: throw TestFailure("unexpected item kind for \(id)")
                }
                let expectation = model[id] ?? Expectation(acknowledged: nil)
                let allowed = [expectation.acknowledged] + expectation.inDoubt
                #expect(allowed.contains { $0 == stored }, "round \(round), seed \(seed): \(id) holds \(stored.map { "\($0.count) bytes" } ?? "nothing"), which was never written to it")
                model[id] = Expectation(acknowledged: stored)
            }
            client.connection.close()
            if round == kills {
                _ = daemon.stop()
                break
            }

            // Stream pipelined writes until the daemon dies under us.
            let delay = 0.05 + Double(random.below(400)) / 1000
            let killer = Thread {
                Thread.sleep(forTimeInterval: delay)
                kill(daemon.process.processIdentifier, SIGKILL)
            }
            killer.start()
            // Every fourth round, snapshots run during the writes, so kills also land in the
            // middle of the snapshot/log handoff.
            if round % 4 == 1 {
                let socket = daemon.socketPath
                Thread {
                    guard let admin = try? ReportClient(socketPath: socket) else { return }
                    while (try? admin.snapshot()) != nil {}
                }.start()
            }
            let connection = try ReportConnection(path: daemon.socketPath)
            var inFlight: [(id: String, value: [UInt8]?)] = []
            var head = 0
            writing: while true {
                while inFlight.count - head < 32 {
                    let id = ids[random.below(ids.count)]
                    if random.below(5) == 0 {
                        _ = connection.send(.delete(id: id))
                        inFlight.append((id, nil))
                    } else {
                        serial += 1
                        let value = Self.text(&random, serial: serial)
                        var body = ByteBuffer()
                        body.writeBytes(value)
                        _ = connection.send(.put(id: id, text: body))
                        inFlight.append((id, value))
                    }
                }
                let response: Response
                do {
                    response = try connection.receive().response
                } catch {
                    break writing
                }
                let write = inFlight[head]
                head += 1
                switch response {
                case .done:
                    model[write.id] = Expectation(acknowledged: write.value)
                    acknowledgedTotal += 1
                case .failure(let status, _) where status == .notFound && write.value == nil:
                    model[write.id] = Expectation(acknowledged: nil)
                default:
                    Issue.record("round \(round): unexpected answer \(response) to a write of \(write.id)")
                    break writing
                }
            }
            // Writes sent but not acknowledged may or may not have reached the log.
            for write in inFlight[head...] {
                model[write.id, default: Expectation(acknowledged: nil)].inDoubt.append(write.value)
            }
            connection.close()
            daemon.process.waitUntilExit()
            while !killer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
            #expect(daemon.process.terminationReason == .uncaughtSignal, "round \(round): reportd exited on its own: \(daemon.stderrText())")
        }
        #expect(acknowledgedTotal > kills * 10, "too few writes were acknowledged (\(acknowledgedTotal)) for the test to mean much")
    }

    @Test("a damaged snapshot stops reportd with exit 65 naming the file and --repair; --repair starts it")
    func damagedSnapshotRefusesToStart() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-damage-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        do {
            let daemon = try DaemonProcess(arguments: ["--data-dir", data.path])
            let client = try ReportClient(socketPath: daemon.socketPath)
            for i in 0..<30 { try client.put(id: "d\(i)", text: Array("Bản tin \(i)\nnội dung".utf8)) }
            try client.snapshot()
            try client.put(id: "after", text: Array("Sau ảnh chụp".utf8))
            _ = daemon.stop()
        }
        let name = try FileManager.default.contentsOfDirectory(atPath: data.path).first { $0.hasSuffix(".rdsnap") }!
        let file = data.appendingPathComponent(name)
        var bytes = try Data(contentsOf: file)
        bytes.removeLast(10)
        try bytes.write(to: file)

        let refused = try DaemonProcess(arguments: ["--data-dir", data.path], waitForSocket: false)
        refused.process.waitUntilExit()
        #expect(refused.process.terminationStatus == 65)
        let message = refused.stderrText()
        #expect(message.contains(name) && message.contains("--repair"), "message: \(message)")

        let repaired = try DaemonProcess(arguments: ["--data-dir", data.path, "--repair"])
        let client = try ReportClient(socketPath: repaired.socketPath)
        #expect(try client.get("after") == .plain(ByteBuffer(bytes: Array("Sau ảnh chụp".utf8))))
        _ = repaired.stop()
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).contains { $0.hasPrefix(name + ".damaged-") })
    }
}
