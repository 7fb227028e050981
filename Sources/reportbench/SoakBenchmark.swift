// SoakBenchmark: `reportbench soak`: a sustained replace load on a ReportStore imported from a
// corpus — writer threads replace random reports with other reports' texts (plus a line of their
// own) while reader threads GET and search — printing, every interval, the index bytes and the
// compressed-text bytes (live + garbage) as ratios to the fresh import, segment count and RSS;
// at the end, the ratios to a fresh import of the reports then live. Targets (read by people):
// index <= 1.5 x, texts <= 1.2 x, RSS levelling off.
import ArgumentParser
import Dispatch
import Foundation
import ReportStore
import Synchronization

/// `reportbench soak --corpus DIR --seconds N`.
struct SoakBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Replace reports for minutes and print index/text memory against a fresh import.")

    @Option(help: "Corpus directory (default: $REPORTD_CORPUS or ../shared/corpus/vn-news-dev).")
    var corpus: String?

    @Option(help: "Only the first N reports of the corpus (0 = all).")
    var reports = 3_000

    @Option(help: "How long to run, in seconds.")
    var seconds = 180

    @Option(help: "Seconds between progress lines.")
    var interval = 15

    @Option(help: "Writer threads (each PUTs in a loop).")
    var writers = 2

    @Option(help: "PUTs per second, all writers together (0 = as fast as they go). The default is the rate of the 8-minute load in issue 8 (138k PUTs).")
    var rate = 300

    @Option(help: "Reader threads (GET and an occasional search).")
    var readers = 2

    func run() throws {
        let dir = corpus ?? ProcessInfo.processInfo.environment["REPORTD_CORPUS"] ?? "../shared/corpus/vn-news-dev"
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            print("soak benchmark skipped: corpus directory \(dir) not found (use --corpus or REPORTD_CORPUS)")
            return
        }
        let sources = try Self.firstReports(dir, limit: reports)
        let (store, summary) = ReportStore.load(sources)
        let ids = store.reportIDs()
        guard ids.count >= 2 else {
            print("soak benchmark skipped: fewer than 2 reports in \(dir)")
            return
        }
        let texts = try ids.map { try store.text(for: $0)! }
        let fresh = store.statistics
        print("soak: \(ids.count) reports (\(summary.rawBytes) bytes), \(writers) writers at \(rate == 0 ? "full speed" : "\(rate) PUT/s"), \(readers) readers, \(seconds) s")
        print(String(format: "fresh import: index %d bytes, texts %d bytes compressed", fresh.indexBytes, fresh.compressedBytes))
        print("   t(s)      puts  index_bytes  index/fresh  texts/fresh  segments  pending  garbage_bytes   rss_MB")

        let stop = Atomic<Bool>(false)
        let puts = Atomic<Int>(0)
        let group = DispatchGroup()
        for w in 0..<writers {
            DispatchQueue.global().async(group: group) {
                var rng = SystemRandomNumberGenerator()
                var n = 0
                let pause = rate > 0 ? Double(writers) / Double(rate) : 0
                var next = Date()
                while !stop.load(ordering: .relaxed) {
                    if pause > 0 {
                        next += pause
                        let wait = next.timeIntervalSinceNow
                        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                    }
                    let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                    let text = texts[Int.random(in: 0..<texts.count, using: &rng)] + Array("\nbản \(w)-\(n)".utf8)
                    n += 1
                    _ = try? store.put(id: id, text: text)
                    puts.add(1, ordering: .relaxed)
                }
            }
        }
        for _ in 0..<readers {
            DispatchQueue.global().async(group: group) {
                var rng = SystemRandomNumberGenerator()
                var n = 0
                while !stop.load(ordering: .relaxed) {
                    _ = try? store.text(for: ids[Int.random(in: 0..<ids.count, using: &rng)])
                    n += 1
                    if n % 200 == 0 { _ = try? store.count("bản", fold: false) }
                }
            }
        }
        let started = Date()
        func line() {
            let s = store.statistics
            print(String(format: "%7.0f %9d %12d %12.2f %12.2f %9d %8d %14d %8.1f",
                         Date().timeIntervalSince(started), puts.load(ordering: .relaxed), s.indexBytes,
                         Double(s.indexBytes) / Double(fresh.indexBytes),
                         Double(s.compressedBytes + s.garbageBytes) / Double(fresh.compressedBytes),
                         s.indexSegments, s.indexPendingDocs, s.garbageBytes, Double(StoreBenchmark.residentBytes()) / 1e6))
            fflush(nil)  // progress lines appear as they are made, also through a pipe
        }
        while Date().timeIntervalSince(started) < Double(seconds) {
            Thread.sleep(forTimeInterval: Double(min(interval, max(1, seconds - Int(Date().timeIntervalSince(started))))))
            line()
        }
        stop.store(true, ordering: .relaxed)
        group.wait()
        _ = try? store.count("bản", fold: false)
        store.waitForIndexMaintenance()
        line()

        // The reference: a fresh import of exactly the reports live now.
        var lines: [UInt8] = []
        for id in store.reportIDs() {
            guard let text = try store.text(for: id) else { continue }
            let object = ["id": id.rawValue, "text": String(decoding: text, as: UTF8.self)]
            lines += Array(try JSONSerialization.data(withJSONObject: object)) + [0x0A]
        }
        let (reference, _) = ReportStore.load([.jsonLines(data: lines, name: "live")])
        let now = store.statistics
        let ref = reference.statistics
        print(String(format: "end, against a fresh import of the live reports: index %.2f x (%d / %d bytes), texts %.2f x ((%d + %d garbage) / %d bytes)",
                     Double(now.indexBytes) / Double(ref.indexBytes), now.indexBytes, ref.indexBytes,
                     Double(now.compressedBytes + now.garbageBytes) / Double(ref.compressedBytes),
                     now.compressedBytes, now.garbageBytes, ref.compressedBytes))
    }

    /// The corpus directory's first `limit` `*.txt` reports (by name), as import sources.
    static func firstReports(_ dir: String, limit: Int) throws -> [ImportSource] {
        guard limit > 0 else { return [.path(dir)] }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".txt") }.sorted()
        return names.prefix(limit).map { .path(dir + "/" + $0) }
    }
}
