// Stats: `reportctl stats` — the server's counters in sections with names and human sizes
// for people, as one JSON object (--json: keys and raw numbers, unchanged), or in the
// Prometheus text format (--prometheus, optionally written atomically to a file for
// node_exporter's textfile collector; scripts/reportd-prometheus.timer runs that).
import ArgumentParser
import Foundation
import ReportClient
import ReportProtocol

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show report counts, raw vs compressed bytes, memory, connections and limits.",
        discussion: """
            Examples:
              reportctl stats
              reportctl stats --json | jq .compressed_bytes
              reportctl stats --prometheus --output /var/lib/prometheus/node-exporter/reportd.prom

            --prometheus prints reportd_* metrics with HELP and TYPE lines; reportd_up is 0 (and \
            the exit status 69) when reportd cannot be reached. --output replaces the file \
            atomically, so the collector never reads half of it.
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    @Flag(help: "Print the Prometheus text exposition format (reportd_* metrics).")
    var prometheus = false

    @Option(help: ArgumentHelp("With --prometheus: write to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        if output != nil && !prometheus { throw ValidationError("--output needs --prometheus") }
    }

    func run() throws {
        let entries: [StatsEntry]
        do {
            entries = try ReportClient(socketPath: connection.socketPath, timeout: connection.timeout).stats()
        } catch {
            if prometheus { try emit(PrometheusText.render(nil)) }
            throw ExitStatus.fail(error)
        }
        if prometheus {
            try emit(PrometheusText.render(entries))
        } else if connection.json {
            var line = JSONLine()
            for entry in entries { line.number(entry.key, entry.value) }
            var out = OutputBuffer()
            out.write(line.finished())
            out.flush()
        } else {
            try emit(Self.human(entries))
        }
    }

    /// The entries in sections, each value with its unit.
    static func human(_ entries: [StatsEntry]) -> String {
        let width = entries.map(\.key.count).max() ?? 0
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        var text = ""
        for section in StatsCatalog.sections {
            let inSection = entries.filter { StatsCatalog.metric($0.key).section == section }
            guard !inSection.isEmpty else { continue }
            text += (text.isEmpty ? "" : "\n") + section + "\n"
            for entry in inSection {
                var shown = StatsCatalog.human(entry.value, StatsCatalog.metric(entry.key).kind)
                if entry.key == "compressed_bytes", let raw = values["raw_bytes"], raw > 0 {
                    shown += " (\((Double(entry.value) / Double(raw) * 1000).rounded() / 1000) of raw)"
                }
                text += "  " + entry.key + String(repeating: " ", count: width - entry.key.count + 2) + shown + "\n"
            }
        }
        return text
    }

    /// Writes `text` to stdout, or replaces --output with it (temporary file, then rename).
    private func emit(_ text: String) throws {
        guard let output else {
            var out = OutputBuffer()
            out.write(text)
            out.flush()
            return
        }
        let temporary = output + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, output) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output])
            }
        } catch {
            unlink(temporary)
            StandardError.print("reportctl: cannot write \(output): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.serverError)
        }
    }
}
