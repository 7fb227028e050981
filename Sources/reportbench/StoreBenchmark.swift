// StoreBenchmark: `reportbench store`: imports the dev corpus into a ReportStore and prints
// import time, compression ratio, RSS growth, GET latency and single-thread inflate rate; with
// --queries, also in-process store search latency per query class (ranking, titles and snippets
// without the socket, to set beside `reportbench search`). Runs on one thread except for the
// import's and search's own workers.
import ArgumentParser
import Foundation
import ReportStore

/// `reportbench store --corpus DIR`.
struct StoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Import a corpus and measure the compressed store.")

    @Option(help: "Corpus directory (default: $REPORTD_CORPUS or ../shared/corpus/vn-news-dev).")
    var corpus: String?

    @Option(help: "Random GETs to time.")
    var gets = 10_000

    @Option(help: "Dictionary bytes (0 = no dictionary).")
    var dictionarySize = 32768

    @Option(help: "Trainer segment size in bytes.")
    var segmentSize: Int?

    @Option(help: "Trainer sample size in reports.")
    var sampleCount: Int?

    @Option(help: "Trainer: reports that supply candidate segments.")
    var candidateReports: Int?

    @Option(help: "Trainer: lazy-greedy acceptance fraction (1 = exact).")
    var acceptance: Double?

    @Option(help: "Trainer hash table size, log2 buckets.")
    var hashBits: Int?

    @Option(help: "Query set (class<TAB>query per line) to time store.search on, in process.")
    var queries: String?

    @Option(help: "Timed runs per query with --queries.")
    var repetitions = 20

    func run() throws {
        let dir = corpus ?? ProcessInfo.processInfo.environment["REPORTD_CORPUS"] ?? "../shared/corpus/vn-news-dev"
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            print("store benchmark skipped: corpus directory \(dir) not found (use --corpus or REPORTD_CORPUS)")
            return
        }
        var options = ImportOptions()
        options.dictionarySize = dictionarySize
        if let segmentSize { options.trainer.segmentSize = segmentSize }
        if let sampleCount { options.trainer.sampleCount = sampleCount }
        if let hashBits { options.trainer.hashBits = hashBits }
        if let candidateReports { options.trainer.candidateReportCount = candidateReports }
        if let acceptance { options.trainer.acceptance = acceptance }

        let rssCold = Self.residentBytes()
        // Warm up on three generated reports first, so the growth below is the store's data,
        // not first-touch code pages of Foundation, zlib and Dispatch (both are printed).
        let warmDir = NSTemporaryDirectory() + "reportbench-warmup-\(getpid())"
        try FileManager.default.createDirectory(atPath: warmDir, withIntermediateDirectories: true)
        for i in 0..<3 {
            let text = String(repeating: "Báo cáo thử số \(i), khởi động trước khi đo. ", count: 50)
            _ = FileManager.default.createFile(atPath: warmDir + "/w\(i).txt", contents: Data(text.utf8))
        }
        _ = ReportStore.load([.path(warmDir)])
        try? FileManager.default.removeItem(atPath: warmDir)
        let rssBefore = Self.residentBytes()
        try measure(dir: dir, options: options, rssCold: rssCold, rssBefore: rssBefore)
        let rssReleased = Self.residentBytes()
        print(String(format: "RSS after the store is released: %d (growth left %.3f x raw: allocator and runtime, not the store)",
                     rssReleased, Double(rssReleased - rssBefore) / 34_644_515))
    }

    private func measure(dir: String, options: ImportOptions, rssCold: Int, rssBefore: Int) throws {
        let (store, summary) = ReportStore.load([.path(dir)], options: options) { p in
            print("  progress: \(p.phase) \(p.filesDone) reports, \(p.bytesDone) bytes")
        }
        let rssAfter = Self.residentBytes()
        let stats = store.statistics
        let growth = rssAfter - rssBefore
        print("corpus            \(dir)")
        print("loaded/skipped    \(summary.loaded) / \(summary.skipped)")
        for issue in summary.issues.prefix(5) { print("  issue: \(issue)") }
        print(String(format: "import seconds    %.3f (reading %.3f, training %.3f, compressing %.3f)",
                     summary.seconds, summary.readingSeconds, summary.trainingSeconds, summary.compressingSeconds))
        print("raw bytes         \(stats.rawBytes)")
        print("compressed bytes  \(stats.compressedBytes)")
        print(String(format: "ratio             %.4f (with dictionary counted: %.4f)", stats.compressionRatio,
                     Double(stats.compressedBytes + stats.dictionaryBytes) / Double(max(stats.rawBytes, 1))))
        print("dictionary bytes  \(stats.dictionaryBytes) (id \(String(store.dictionaryID, radix: 16)))")
        print("RSS before/after  \(rssBefore) / \(rssAfter)")
        print(String(format: "RSS growth        %d bytes = %.3f x raw (from cold start %d: %.3f x raw)", growth,
                     Double(growth) / Double(max(stats.rawBytes, 1)), rssCold,
                     Double(rssAfter - rssCold) / Double(max(stats.rawBytes, 1))))

        let ids = store.reportIDs()
        guard !ids.isEmpty else { return }
        var rng = SystemRandomNumberGenerator()
        var latencies: [Double] = []
        latencies.reserveCapacity(gets)
        var checksum = 0
        for _ in 0..<gets {
            let id = ids.randomElement(using: &rng)!
            let t0 = ContinuousClock.now
            let text = try store.text(for: id)
            latencies.append((ContinuousClock.now - t0).microseconds)
            checksum &+= text?.count ?? 0
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        print(String(format: "GET latency       p50 %.1f us, p99 %.1f us over %d random ids", p50, p99, gets))

        let t0 = ContinuousClock.now
        var bytes = 0
        for doc in 0..<UInt32(stats.docNumberLimit) {
            bytes += try store.text(forDoc: doc)?.count ?? 0
        }
        let seconds = (ContinuousClock.now - t0).microseconds / 1e6
        print(String(format: "inflate 1 thread  %.0f reports/s, %.1f MB/s (%d bytes; check %d)",
                     Double(stats.reportCount) / seconds, Double(bytes) / seconds / 1e6, bytes, checksum))
        if let queries { try measureSearch(store, queries: queries) }
    }

    /// p50/p99 of store.search (limit 10) per query class, after one warm-up run per query.
    private func measureSearch(_ store: ReportStore, queries: String) throws {
        var classes: [String] = []
        var samples: [String: [Double]] = [:]
        for line in try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2 else { continue }
            if samples[fields[0]] == nil { classes.append(fields[0]) }
            _ = try store.search(fields[1], limit: 10, offset: 0, fold: false)
            for _ in 0..<repetitions {
                let t0 = ContinuousClock.now
                _ = try store.search(fields[1], limit: 10, offset: 0, fold: false)
                samples[fields[0], default: []].append((ContinuousClock.now - t0).microseconds)
            }
        }
        print("store.search      class, p50 µs, p99 µs (limit 10, \(repetitions) runs per query, in process)")
        for name in classes {
            let sorted = samples[name]!.sorted()
            print(String(format: "  %@ %10.1f %10.1f", name.padding(toLength: 9, withPad: " ", startingAt: 0),
                         sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)]))
        }
    }

    /// Resident set size from /proc/self/statm (0 where it does not exist).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension Duration {
    fileprivate var microseconds: Double {
        let (s, atto) = components
        return Double(s) * 1e6 + Double(atto) / 1e12
    }
}
