// Stats: `reportctl stats` — the server's counters, aligned for people or as one
// JSON object, with the compression ratio worked out.
import ArgumentParser
import ReportClient
import ReportProtocol

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show report counts, raw vs compressed bytes, memory, connections and limits.",
        discussion: "Example: reportctl stats --json | jq .compressed_bytes"
    )

    @ParentCommand var root: ReportCtl
    private var connection: ConnectionOptions { root.connection }

    func run() throws {
        let client = try connection.connect()
        let entries: [StatsEntry]
        do {
            entries = try client.stats()
        } catch {
            throw ExitStatus.fail(error)
        }
        var out = OutputBuffer()
        if connection.json {
            var line = JSONLine()
            for entry in entries { line.number(entry.key, entry.value) }
            out.write(line.finished())
        } else {
            let width = entries.map(\.key.count).max() ?? 0
            for entry in entries {
                out.write(entry.key + String(repeating: " ", count: width - entry.key.count + 2) + "\(entry.value)\n")
            }
            let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            if let raw = values["raw_bytes"], let compressed = values["compressed_bytes"], raw > 0 {
                let ratio = Double(compressed) / Double(raw)
                out.write("compression ratio  \((ratio * 1000).rounded() / 1000) (compressed / raw)\n")
            }
        }
        out.flush()
    }
}
