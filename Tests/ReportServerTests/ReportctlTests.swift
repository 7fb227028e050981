// Integration tests: reportctl as a user runs it — exact bytes on stdout, JSON Lines
// for batches from stdin, and the documented exit codes.
import Foundation
import Testing

@Suite("reportctl end to end")
struct ReportctlTests {
    struct Run {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    static func reportctl(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("reportctl")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a large output cannot block the child on a full pipe.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    @Test("get ID prints the report's exact bytes")
    func getPrintsExactBytes() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        for id in ["1002", "1003", "1004", "2000"] {
            let run = try Self.reportctl(["--socket", daemon.socketPath, "get", id])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(Array(run.stdout) == Fixtures.reports[id]!, "report \(id)")
        }
    }

    @Test("get - --json answers every stdin id in order, found or not, and exits 1 if any is missing")
    func batchFromStdin() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        var ids: [String] = []
        for n in 0..<750 { ids.append(["1001", "1002", "1004", "a.b", "missing"][n % 5]) }
        let stdin = Data((ids.joined(separator: "\n") + "\n\n  1005  \n").utf8)
        let run = try Self.reportctl(["get", "-", "--json", "--batch", "37"], stdin: stdin, environment: ["REPORTD_SOCKET": daemon.socketPath])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == ids.count + 1)
        for (line, id) in zip(lines, ids + ["1005"]) {
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            #expect(object?["id"] as? String == id)
            if let expected = Fixtures.reports[id] {
                #expect(object?["found"] as? Bool == true)
                #expect((object?["text"] as? String).map { Array($0.utf8) } == expected)
            } else {
                #expect(object?["found"] as? Bool == false)
            }
        }
        #expect(run.stderr.contains("missing"))
    }

    @Test("exit codes: 0 found, 1 not found, 64 usage, 69 cannot connect")
    func exitCodes() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        #expect(try Self.reportctl(["--socket", daemon.socketPath, "get", "1001"]).status == 0)
        #expect(try Self.reportctl(["--socket", daemon.socketPath, "get", "nope"]).status == 1)
        #expect(try Self.reportctl(["--socket", daemon.socketPath, "get"]).status == 64)
        let noDaemon = try Self.reportctl(["--socket", "/nonexistent/r.sock", "ping"])
        #expect(noDaemon.status == 69)
        #expect(noDaemon.stderr.contains("/nonexistent/r.sock"))
    }

    @Test("stats reports counts and raw versus compressed bytes")
    func statsJSON() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let run = try Self.reportctl(["--socket", daemon.socketPath, "stats", "--json"])
        #expect(run.status == 0)
        let object = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        #expect((object?["reports"] as? NSNumber)?.intValue == Fixtures.reports.count)
        let raw = (object?["raw_bytes"] as? NSNumber)?.intValue ?? 0
        #expect(raw == Fixtures.reports.values.map(\.count).reduce(0, +))
        #expect(((object?["compressed_bytes"] as? NSNumber)?.intValue ?? .max) < raw)
    }
}
