// Integration tests: reportctl as a user runs it — exact bytes on stdout, JSON Lines
// for batches from stdin, and the documented exit codes.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import ReportClient
import ReportProtocol
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

    @Test("put, import, del and snapshot: writes survive a restart; exit codes 1 for a missing id, 65 for a refused report")
    func writeCommands() throws {
        let source = try DaemonProcess.makeCorpus([
            "9001": Array("Tin một\nnội dung một".utf8), "9002": Array("Tin hai\nnội dung hai".utf8),
        ])
        let batch = try DaemonProcess.makeCorpus(Dictionary(uniqueKeysWithValues: (0..<50).map {
            ("b\($0)", Array("Tin lô \($0)\nbáo cáo số \($0)".utf8))
        }))
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("reportctl-data-\(UUID().uuidString)")
        defer { for dir in [source, batch, data] { try? FileManager.default.removeItem(at: dir) } }
        var daemon: DaemonProcess? = try DaemonProcess(arguments: ["--data-dir", data.path])
        let socket = daemon!.socketPath
        let put = try Self.reportctl(["--socket", socket, "put", source.appendingPathComponent("9001.txt").path, source.appendingPathComponent("9002.txt").path])
        #expect(put.status == 0, "\(put.stderr)")
        #expect(String(decoding: put.stdout, as: UTF8.self).contains("stored 2 reports"))
        let stdinPut = try Self.reportctl(["--socket", socket, "put", "--id", "9003", "-"], stdin: Data("Tin ba\ntừ stdin".utf8))
        #expect(stdinPut.status == 0, "\(stdinPut.stderr)")
        let imported = try Self.reportctl(["--socket", socket, "--json", "import", batch.path, "--quiet"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(String(decoding: imported.stdout, as: UTF8.self).split(separator: "\n").count == 50)
        let jsonl = Data("{\"id\": \"j1\", \"text\": \"Tin JSON\\nmột\"}\n{\"id\": \"j2\"}\n".utf8)
        let fromStdin = try Self.reportctl(["--socket", socket, "import", "-", "--quiet"], stdin: jsonl)
        #expect(fromStdin.status == 65, "one good line, one bad: \(fromStdin.stderr)")
        #expect(fromStdin.stderr.contains("<stdin>:2"))
        let refused = try Self.reportctl(["--socket", socket, "put", "--id", "rỗng", "-"], stdin: Data())
        #expect(refused.status == 65, "empty text: \(refused.stderr)")
        let deleted = try Self.reportctl(["--socket", socket, "del", "9002", "không-có"])
        #expect(deleted.status == 1)
        #expect(deleted.stderr.contains("không-có"))
        #expect(try Self.reportctl(["--socket", socket, "snapshot"]).status == 0)
        let stats = String(decoding: try Self.reportctl(["--socket", socket, "stats"]).stdout, as: UTF8.self)
        #expect(stats.contains("persistent") && stats.contains("snapshot_generation") && stats.contains("writes_stopped"), "\(stats)")
        let after = try Self.reportctl(["--socket", socket, "put", "--id", "9004", "-"], stdin: Data("Sau ảnh chụp\nxong".utf8))
        #expect(after.status == 0)
        // kill -9: the snapshot plus the log must hold every acknowledged write.
        kill(daemon!.process.processIdentifier, SIGKILL)
        daemon!.process.waitUntilExit()
        daemon = nil
        let restarted = try DaemonProcess(arguments: ["--data-dir", data.path])
        #expect(try Self.reportctl(["--socket", restarted.socketPath, "get", "j1"]).stdout == Data("Tin JSON\nmột".utf8))
        let get = try Self.reportctl(["--socket", restarted.socketPath, "get", "9001", "9003", "9004", "b7", "9002", "--json"])
        let lines = String(decoding: get.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(get.status == 1, "9002 was deleted")
        #expect(lines.count == 5)
        #expect(lines[1].contains("từ stdin") && lines[2].contains("Sau ảnh chụp") && lines[3].contains("báo cáo số 7"))
        #expect(lines[4].contains("\"found\":false"))
        let count = try Self.reportctl(["--socket", restarted.socketPath, "search", "\"báo cáo số\"", "--count"])
        #expect(String(decoding: count.stdout, as: UTF8.self).hasPrefix("50"), "\(String(decoding: count.stdout, as: UTF8.self))")
    }

    @Test("search --ids-only answers the same ids and scores as a full search, without titles or snippets")
    func searchIdsOnly() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        func hits(_ extra: [String]) throws -> [[String: Any]] {
            let run = try Self.reportctl(["--socket", daemon.socketPath, "--json", "search", "noi OR dang", "--limit", "50"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
            return object?["hits"] as? [[String: Any]] ?? []
        }
        let full = try hits([])
        let idsOnly = try hits(["--ids-only"])
        #expect(!full.isEmpty)
        #expect(full.map { $0["id"] as? String } == idsOnly.map { $0["id"] as? String })
        #expect(full.map { $0["score"] as? Double } == idsOnly.map { $0["score"] as? Double })
        #expect(full.allSatisfy { $0["title"] != nil && $0["snippet"] != nil })
        #expect(idsOnly.allSatisfy { $0["title"] == nil && $0["snippet"] == nil })
    }

    @Test("search for people shows scores without best match's 10^9 group offset; --json keeps it")
    func humanScores() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let json = try Self.reportctl(["--socket", daemon.socketPath, "--json", "search", "báo", "cáo", "--ids-only"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        let scores = (object?["hits"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
        #expect(!scores.isEmpty && scores.contains { $0 >= 1e9 }, "\(scores)")
        let text = try Self.reportctl(["--socket", daemon.socketPath, "search", "báo", "cáo", "--ids-only"])
        let shown = String(decoding: text.stdout, as: UTF8.self).split(separator: "\n").dropFirst()
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        #expect(shown.count == scores.count && shown.allSatisfy { $0 < 1e6 }, "\(shown)")
    }

    @Test("a search typed without tones finds the report it means; the total, --count and --all take it as typed")
    func typedWithoutTones() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        // `Đảng ủy khối` with its tones left out, đ and ô kept.
        let json = try Self.reportctl(["--socket", daemon.socketPath, "--json", "search", "Đang", "uy", "khôi"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        let hits = object?["hits"] as? [[String: Any]] ?? []
        #expect(hits.first?["id"] as? String == "1001", "\(hits)")
        #expect((hits.first?["score"] as? Double ?? 0) >= 1e9)
        #expect(object?["total"] as? Int == 0)
        let count = try Self.reportctl(["--socket", daemon.socketPath, "search", "Đang", "uy", "khôi", "--count"])
        #expect(String(decoding: count.stdout, as: UTF8.self) == "0\n")
        let strict = try Self.reportctl(["--socket", daemon.socketPath, "--json", "search", "Đang", "uy", "khôi", "--all"])
        let strictHits = (try JSONSerialization.jsonObject(with: strict.stdout) as? [String: Any])?["hits"] as? [[String: Any]]
        #expect(strictHits?.isEmpty == true)
        // For a person: the count is of the query as typed, the page its closest matches.
        let text = try Self.reportctl(["--socket", daemon.socketPath, "search", "Đang", "uy", "khôi", "--color", "never"])
        let lines = String(decoding: text.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.first == "0 reports match Đang uy khôi as typed; closest matches:", "\(lines)")
        #expect(lines.count > 1 && lines[1].hasPrefix("1001 "), "\(lines)")
    }

    @Test("pipelined writes on one connection apply in the order sent, though compressed in parallel")
    func pipelinedWritesKeepTheirOrder() throws {
        let daemon = try DaemonProcess(arguments: [])
        let connection = try ReportConnection(path: daemon.socketPath)
        var expected: [String: String?] = [:]
        for round in 0..<300 {
            let id = "o\(round % 7)"
            if round % 5 == 4 {
                _ = connection.send(.delete(id: id))
                expected[id] = .some(nil)
            } else {
                // Sizes vary so that compressing a later write can finish before an earlier one.
                let text = "Tin \(round)\n" + String(repeating: "nội dung \(round) ", count: round % 3 == 0 ? 2_000 : 3)
                _ = connection.send(.put(id: id, text: ByteBuffer(string: text)))
                expected[id] = .some(text)
            }
        }
        for _ in 0..<300 {
            let response = try connection.receive().response
            if case .failure(let status, _) = response { #expect(status == .notFound) }
        }
        let client = try ReportClient(socketPath: daemon.socketPath)
        for (id, text) in expected {
            let item = try client.get(id)
            if let text {
                #expect(item == .plain(ByteBuffer(string: text)), "\(id)")
            } else {
                #expect(item == .missing, "\(id)")
            }
        }
    }

    @Test("with a data directory, --import and reload write only new and changed reports, and keep PUTs")
    func importIntoDataDirectory() throws {
        let source = try DaemonProcess.makeCorpus([
            "a": Array("Tin A\nbản đầu".utf8), "b": Array("Tin B\nbản đầu".utf8),
        ])
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("reportctl-reload-\(UUID().uuidString)")
        defer { for dir in [source, data] { try? FileManager.default.removeItem(at: dir) } }
        let daemon = try DaemonProcess(arguments: ["--data-dir", data.path, "--import", source.path])
        let socket = daemon.socketPath
        #expect(try Self.reportctl(["--socket", socket, "put", "--id", "c", "-"], stdin: Data("Tin C\nqua PUT".utf8)).status == 0)
        try Data("Tin A\nbản sửa".utf8).write(to: source.appendingPathComponent("a.txt"))
        try Data("Tin D\nbản mới".utf8).write(to: source.appendingPathComponent("d.txt"))
        let reload = try Self.reportctl(["--socket", socket, "reload"])
        #expect(reload.status == 0, "\(reload.stderr)")
        let get = try Self.reportctl(["--socket", socket, "--json", "get", "a", "b", "c", "d"])
        let lines = String(decoding: get.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(get.status == 0)
        #expect(lines.count == 4 && lines[0].contains("bản sửa") && lines[1].contains("bản đầu") && lines[2].contains("qua PUT") && lines[3].contains("bản mới"))
        _ = daemon.stop()
        #expect(daemon.stderrText().contains("import: 2 new or changed reports written, 1 unchanged"), "\(daemon.stderrText())")
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
        // A blank line is an id too (the empty one, never found): each line gets one record.
        let stdin = Data((ids.joined(separator: "\n") + "\n\n1005\r\n").utf8)
        let run = try Self.reportctl(["get", "-", "--json", "--batch", "37"], stdin: stdin, environment: ["REPORTD_SOCKET": daemon.socketPath])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == ids.count + 2)
        for (line, id) in zip(lines, ids + ["", "1005"]) {
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

    @Test(
        "search --limit and --offset past what they take are refused with the range (exit 64), never cut to fit",
        arguments: [
            (["--limit", "4294967296"], "'--limit <n>': expected a whole number from 0 to 10000"),
            (["--limit", "10001"], "'--limit <n>': expected a whole number from 0 to 10000"),
            (["--limit=-1"], "'--limit <n>': expected a whole number from 0 to 10000"),
            (["-n", "99999999999999999999"], "'-n <n>': expected a whole number from 0 to 10000"),
            (["--offset", "4294967296"], "'--offset <n>': expected a whole number from 0 to 4294967295"),
            (["--offset=-3"], "'--offset <n>': expected a whole number from 0 to 4294967295"),
            (["-n", "-1"], "'-n <n>': expected a whole number from 0 to 10000"),
            (["--offset", "-3"], "'--offset <n>': expected a whole number from 0 to 4294967295"),
        ])
    func searchNumbersPastTheirRange(arguments: [String], message: String) throws {
        let run = try Self.reportctl(["--socket", "/nonexistent/r.sock", "search", "x"] + arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test("cannot connect: the message says what the path is and what to do, not only the OS's words (exit 69)")
    func cannotConnectExplains() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("connect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("file.sock").path
        try Data("not a socket".utf8).write(to: URL(fileURLWithPath: file))
        let folder = directory.appendingPathComponent("dir.sock").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        // A socket nothing accepts on: what a reportd killed with -9 leaves behind.
        let stale = directory.appendingPathComponent("stale.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(stale.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(bound == 0)
        for (path, message) in [
            (directory.appendingPathComponent("missing.sock").path, ": No such file or directory (is reportd running? Its --socket and reportctl's --socket or $REPORTD_SOCKET must name the same path)"),
            (file, ": it is a regular file, not a socket (is this the path reportd was started with, as --socket?)"),
            (folder, ": it is a directory, not a socket"),
            (stale, ": Connection refused (nothing accepts on the socket: is reportd running?"),
        ] {
            let run = try Self.reportctl(["--socket", path, "search", "Hà Nội"])
            #expect(run.status == 69, "\(run.stderr)")
            #expect(run.stderr.contains("reportctl: cannot connect to reportd at \(path)\(message)"), "\(run.stderr)")
        }

        // Permission denied: reportd's socket is 0660, and nobody is not in its group.
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            Issue.record("this test needs root and setpriv (util-linux) to act as another uid")
            return
        }
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let denied = try daemon.runReportctlAsNobody(["ping"])
        #expect(denied.status == 69, "\(denied.stderr)")
        #expect(
            denied.stderr.contains(
                "Permission denied (connecting needs write permission on the socket, mode 0660 of group root: join that group, or ask reportd's administrator)"),
            "\(denied.stderr)")
    }

    @Test("put names why a file cannot be read, in the system's words")
    func unreadableFiles() throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let missing = corpus.appendingPathComponent("missing.txt").path
        let put = try Self.reportctl(["--socket", daemon.socketPath, "put", missing, corpus.path])
        #expect(put.status == 65, "\(put.stderr)")
        #expect(put.stderr.contains("reportctl: \(missing): cannot read the file: No such file or directory"), "\(put.stderr)")
        #expect(put.stderr.contains("reportctl: \(corpus.path): cannot read the file: Is a directory"), "\(put.stderr)")
    }

    @Test("a socket some other program serves: exit 76 and a message asking whether it is reportd's socket")
    func otherProgramsSocket() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("other-\(UUID().uuidString).sock").path
        defer { unlink(path) }
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0 && listen(listener, 4) == 0)
        // Answers like a Redis server asked something it does not know.
        let server = Thread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 64)
            _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            let answer = Array("-ERR unknown command\r\n".utf8)
            _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
        }
        server.start()
        let run = try Self.reportctl(["--socket", path, "ping"])
        #expect(run.status == 76, "\(run.stderr)")
        #expect(
            run.stderr.contains("reportctl: what answers at \(path) does not speak reportd's protocol (")
                && run.stderr.contains("); is it reportd's socket?"),
            "\(run.stderr)")
    }

    @Test("output that cannot be written (a full disk) is an error with a message and exit 74, never a silent cut", arguments: [["get", "1001"], ["search", "Đảng"], ["stats"]])
    func unwritableOutput(arguments: [String]) throws {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let daemon = try DaemonProcess(arguments: ["--import", corpus.path])
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("reportctl")
        process.arguments = ["--socket", daemon.socketPath] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74, "\(stderr)")
        #expect(stderr.contains("reportctl: cannot write to standard output: No space left on device"), "\(stderr)")
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
