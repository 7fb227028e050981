// SearchBenchmark: `reportbench search` sends the query set (scripts/queries.tsv) to a
// running reportd over its socket, one request at a time on one connection, and prints
// p50/p99 latency and the total hit count per query class — the socket-side numbers to
// set beside scripts/bench_fts5.py's in-process FTS5 numbers for the same queries.
import ArgumentParser
import Foundation
import ReportClient
import ReportProtocol

struct SearchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Measure SEARCH latency per query class over the socket."
    )

    @Option(help: "reportd's socket.")
    var socket: String

    @Option(help: "Query file: class<TAB>query per line, # comments.")
    var queries: String = "scripts/queries.tsv"

    @Option(help: "Rounds over the whole query set.")
    var rounds: Int = 20

    @Option(help: "Hits per query (limit).")
    var limit: UInt32 = 10

    @Flag(help: "Ask for ids and scores only (SEARCH flag IDS_ONLY: no titles, no snippets).")
    var idsOnly = false

    func run() throws {
        let lines = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n")
        let set: [(String, String)] = lines.compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        let client = try ReportClient(socketPath: socket, clientName: "reportbench")
        var samples: [String: LatencySample] = [:]
        var totals: [String: Int] = [:]
        var perQuery: [(String, String, UInt32)] = []
        var classes: [String] = []
        for (kind, _) in set where !classes.contains(kind) { classes.append(kind) }
        for round in 0...rounds {
            for (kind, query) in set {
                let t0 = ContinuousClock.now
                let result = try client.search(SearchRequest(query: query, limit: limit, offset: 0, fold: false, idsOnly: idsOnly))
                let elapsed = ContinuousClock.now - t0
                if round == 0 {
                    totals[kind, default: 0] += Int(result.totalHits)  // round 0 warms up and counts
                    perQuery.append((kind, query, result.totalHits))
                } else {
                    samples[kind, default: LatencySample()].record(elapsed)
                }
            }
        }
        print("class      queries  p50 µs    p99 µs    total hits (limit \(limit)\(idsOnly ? ", ids only" : ", titles and snippets"))")
        for kind in classes {
            let sample = samples[kind] ?? LatencySample()
            let n = set.filter { $0.0 == kind }.count
            print(
                kind.padding(toLength: 10, withPad: " ", startingAt: 0) + " "
                    + String(n).padding(toLength: 8, withPad: " ", startingAt: 0) + " "
                    + LatencySample.format(sample.percentile(50)).padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                    + LatencySample.format(sample.percentile(99)).padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                    + "\(totals[kind] ?? 0)")
        }
        guard !idsOnly else { return }
        print("\nper query (class, matching reports, query):")
        for (kind, query, total) in perQuery {
            print("  \(kind)\t\(total)\t\(query)")
        }
    }
}
