// IndexBenchmark: `reportbench index --corpus DIR [--queries FILE]`: builds a SearchIndex over every
// *.txt file of DIR (doc numbers in file-name order), then prints build time, index bytes, ratio to
// the raw text, term count, and p50/p99 search latency per query class of scripts/queries.tsv.
// Runs on one thread apart from the index build's own fan-out.
import ArgumentParser
import Foundation
import ReportIndex

/// The `index` subcommand.
struct IndexBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Build the full-text index over a corpus and time queries.")

    @Option(help: "Directory of .txt reports (first line = title).")
    var corpus: String

    @Option(help: "Query set: class<TAB>query per line, '#' comments.")
    var queries: String = "scripts/queries.tsv"

    @Option(help: "Timed runs per query.")
    var repetitions: Int = 20

    @Option(help: "Page size asked of search.")
    var limit: Int = 10

    func run() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".txt") }.sorted()
        var texts: [[UInt8]] = []
        texts.reserveCapacity(names.count)
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: corpus).appendingPathComponent(name))
            texts.append([UInt8](data))
        }
        let raw = texts.reduce(0) { $0 + $1.count }
        let frozen = texts
        var builds: [Double] = []
        var index: SearchIndex? = nil
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            index = IndexBuilder.build(docCount: frozen.count) { frozen[$0] }
            builds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        guard let index else { return }
        print("docs            \(names.count)")
        print("raw bytes       \(raw)")
        print(String(format: "build seconds   %.3f (best of 3; runs %@)", builds.min()!, builds.map { String(format: "%.3f", $0) }.joined(separator: " ")))
        print("index bytes     \(index.byteCount)  (postings \(index.postingByteCount))")
        print(String(format: "ratio to raw    %.4f", Double(index.byteCount) / Double(raw)))
        print("terms           \(index.termCount)")

        let lines = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n")
        var classes: [String] = []
        var byClass: [String: [Double]] = [:]
        for line in lines where !line.hasPrefix("#") && !line.isEmpty {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2 else { continue }
            let query = try Query.parse(fields[1])
            if byClass[fields[0]] == nil { classes.append(fields[0]) }
            var total = 0
            for _ in 0..<repetitions {
                let start = DispatchTime.now().uptimeNanoseconds
                total = index.search(query, limit: limit, offset: 0) { _ in true }.total
                byClass[fields[0], default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
            }
            print("  \(fields[0])\t\(fields[1])\t\(total) hits")
        }
        print("class      p50 µs     p99 µs   (search, limit \(limit), \(repetitions) runs per query)")
        for name in classes {
            let samples = byClass[name]!.sorted()
            let p50 = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
            print(String(format: "%@ %10.1f %10.1f", name.padding(toLength: 9, withPad: " ", startingAt: 0), p50, p99))
        }
    }
}
