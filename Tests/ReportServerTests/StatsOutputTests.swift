// `reportctl stats` for people (sections, names for enums, human sizes) and for monitoring
// (`--prometheus`, read back by the Prometheus project's own Python parser, which
// scripts/ensure-deps.sh installs as python3-prometheus-client).
import Foundation
import Testing

@Suite("reportctl stats for people and for monitoring")
struct StatsOutputTests {
    static func daemonWithData() throws -> (DaemonProcess, [URL]) {
        let corpus = try DaemonProcess.makeCorpus(Fixtures.reports)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stats-data-\(UUID().uuidString)")
        return (try DaemonProcess(arguments: ["--import", corpus.path, "--data-dir", data.path]), [corpus, data])
    }

    @Test("stats shows sections, names for enums and human sizes; --json keeps keys and numbers")
    func human() throws {
        let (daemon, dirs) = try Self.daemonWithData()
        defer { for dir in dirs { try? FileManager.default.removeItem(at: dir) } }
        let run = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "stats"])
        #expect(run.status == 0)
        let text = String(decoding: run.stdout, as: UTF8.self)
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func value(_ key: String) -> [String] { lines.first { $0.first == key }.map { Array($0.dropFirst()) } ?? [] }
        #expect(value("persistent") == ["yes"])
        #expect(value("appendfsync") == ["always"])
        #expect(value("writes_stopped") == ["no"])
        #expect(value("raw_bytes").last == "KiB", "\(value("raw_bytes"))")
        #expect(value("reports") == ["\(Fixtures.reports.count)"])
        for section in ["corpus", "search index", "connections", "limits", "persistence"] {
            #expect(text.contains("\n\(section)\n") || text.hasPrefix("\(section)\n"), "section \(section)")
        }
        let json = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "stats", "--json"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect((object?["appendfsync"] as? NSNumber)?.intValue == 2)
        #expect((object?["persistent"] as? NSNumber)?.intValue == 1)
    }

    @Test("stats --prometheus is valid exposition text: the reference parser reads reportd_* families with HELP and TYPE")
    func prometheus() throws {
        let (daemon, dirs) = try Self.daemonWithData()
        defer { for dir in dirs { try? FileManager.default.removeItem(at: dir) } }
        let output = dirs[1].path + ".prom"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try ReportctlTests.reportctl(["--socket", daemon.socketPath, "stats", "--prometheus", "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let parsed = try Self.parse(text)
        #expect(parsed["reportd_up"] == "gauge 1.0")
        #expect(parsed["reportd_reports"] == "gauge \(Double(Fixtures.reports.count))")
        #expect(parsed["reportd_requests_total"]?.hasPrefix("counter") == true, "\(parsed)")
        #expect(parsed["reportd_appendfsync{policy=\"always\"}"] == "gauge 1.0", "\(parsed)")
        #expect(parsed["reportd_appendfsync{policy=\"no\"}"] == "gauge 0.0")
        #expect(parsed["reportd_limit_idle_timeout_seconds"] == "gauge 300.0")
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = line.prefix { $0 != " " && $0 != "{" }
            #expect(name.hasPrefix("reportd_"), "\(line)")
            #expect(text.contains("# HELP \(name) ") && text.contains("# TYPE \(name) "), "\(name)")
        }
        // No daemon: reportd_up 0 and exit 69, so an alert fires instead of numbers going stale.
        let down = try ReportctlTests.reportctl(["--socket", "/nonexistent/r.sock", "stats", "--prometheus"])
        #expect(down.status == 69)
        #expect(try Self.parse(String(decoding: down.stdout, as: UTF8.self)) == ["reportd_up": "gauge 0.0"])
    }

    /// Family type and value per sample ("name{labels}" -> "type value"), from prometheus_client.
    static func parse(_ text: String) throws -> [String: String] {
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                assert family.documentation, family.name
                for sample in family.samples:
                    labels = ",".join('%s="%s"' % item for item in sorted(sample.labels.items()))
                    print("%s%s\\t%s %r" % (sample.name, "{" + labels + "}" if labels else "", family.type, float(sample.value)))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let result = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("prometheus_client rejected the text (scripts/ensure-deps.sh installs it): \(problem)")
        }
        var samples: [String: String] = [:]
        for line in result.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            samples[String(parts[0])] = String(parts[1])
        }
        return samples
    }
}
