// Replace-heavy loads do not inflate memory: after every report was replaced several times,
// the index takes at most 1.5 x and the compressed texts at most 1.2 x what a fresh import of
// the live reports takes (segments are rewritten once a fifth of their docs are dead, the arena
// is compacted by the same rule); and the merge policy's choices, case by case.
import Foundation
import Testing
@testable import ReportStore

@Suite("ReportStore: replace-heavy loads")
struct ReplaceLoadTests {
    /// A report with some words of its own (codes drawn from a seeded generator: most fixed per
    /// report, a few new in each edition), so texts and index are not all shared boilerplate,
    /// while the vocabulary does not drift away from the one the dictionary was trained on.
    static func text(_ seed: UInt64, edition: Int) -> [UInt8] {
        var own = SplitMix64(seed: seed &* 7919)
        var fresh = SplitMix64(seed: seed &* 7919 &+ UInt64(edition) &* 104_729)
        let codes = ((0..<32).map { _ in "mã\(own.next() % 50_000)" } + (0..<8).map { _ in "mã\(fresh.next() % 50_000)" })
            .joined(separator: " ")
        return Array("Bản \(edition) ".utf8) + Fixtures.report(seed: seed &* 7919 &+ UInt64(edition), paragraphs: 3 + Int(seed % 4))
            + Array("\n\(codes)".utf8)
    }

    static func jsonLines(_ reports: [(String, [UInt8])]) throws -> [UInt8] {
        var data: [UInt8] = []
        for (key, value) in reports {
            let object = ["id": key, "text": String(decoding: value, as: UTF8.self)]
            data += Array(try JSONSerialization.data(withJSONObject: object)) + [0x0A]
        }
        return data
    }

    @Test("under random replaces (each report ten times, queries between), index and texts stay near a fresh import at every checkpoint")
    func replacesDoNotInflate() throws {
        let count = 600
        let initial = (0..<count).map { ("r\($0)", Self.text(UInt64($0), edition: 0)) }
        let (store, _) = ReportStore.load([.jsonLines(data: try Self.jsonLines(initial), name: "initial")])
        var latest = Dictionary(uniqueKeysWithValues: initial)
        var rng = SplitMix64(seed: 42)
        var worst = (index: 0.0, texts: 0.0)
        for n in 1...(count * 10) {
            let i = Int(rng.next() % UInt64(count))
            let text = Self.text(UInt64(i), edition: n)
            try store.put(id: ReportID("r\(i)")!, text: text)
            latest["r\(i)"] = text
            // A query now and then, as a live server gets: it flushes pending writes.
            if n % 40 == 0 { _ = try store.count("Bản \(n)", fold: false) }
            guard n % 1000 == 0 else { continue }
            // Checkpoint: once background work has settled, against a fresh import of the live reports.
            _ = try store.count("tin", fold: false)
            store.waitForIndexMaintenance()
            let (fresh, _) = ReportStore.load([
                .jsonLines(data: try Self.jsonLines(latest.sorted { $0.key < $1.key }), name: "fresh")
            ])
            let now = store.statistics
            let baseline = fresh.statistics
            let indexRatio = Double(now.indexBytes) / Double(baseline.indexBytes)
            let textRatio = Double(now.compressedBytes + now.garbageBytes) / Double(baseline.compressedBytes)
            worst = (max(worst.index, indexRatio), max(worst.texts, textRatio))
            #expect(indexRatio <= 1.5, "after \(n) puts: index \(now.indexBytes) bytes in \(now.indexSegments) segments vs fresh \(baseline.indexBytes)")
            #expect(textRatio <= 1.2, "after \(n) puts: texts \(now.compressedBytes) + \(now.garbageBytes) garbage vs fresh \(baseline.compressedBytes)")
            // And the answers are a fresh import's.
            for query in ["Bản \(n)", "Bản 31", "\"kẹt xe\"", "du khách", "title:tin", "mã123"] {
                #expect(try store.count(query, fold: false) == fresh.count(query, fold: false), "\(query)")
            }
        }
        print("replace load, worst checkpoint: index \(worst.index) x, texts \(worst.texts) x a fresh import")
    }

    @Test("the merge policy: drop dead segments, binary counter on live docs, then the deadest segment over a fifth")
    func policy() {
        // A segment with nothing live is dropped.
        #expect(ReportStore.nextMerge(documents: [1000, 100], live: [900, 0]) == 1...1)
        // The newer holds at least a quarter of the older's live docs: merge the two.
        #expect(ReportStore.nextMerge(documents: [10_000, 3_000], live: [9_000, 2_500]) == 0...1)
        // Sizes are live docs: a big segment that is mostly dead counts as small.
        #expect(ReportStore.nextMerge(documents: [10_000, 1_500], live: [5_000, 1_400]) == 0...1)
        // Small segments count as a flush's worth: two small ones merge whatever their sizes.
        #expect(ReportStore.nextMerge(documents: [10_000, 3_000, 20], live: [10_000, 3_000, 20]) == nil)
        #expect(ReportStore.nextMerge(documents: [10_000, 300, 20], live: [10_000, 300, 20]) == 1...2)
        // Nothing over the allowance: no merge.
        #expect(ReportStore.nextMerge(documents: [10_000, 1_000], live: [8_500, 990]) == nil)
        // The segment with the largest dead share goes first; alone when its newer neighbour is bigger.
        #expect(ReportStore.nextMerge(documents: [10_000, 20_000, 1_000], live: [7_000, 19_000, 990]) == 0...0)
        // With a smaller newer neighbour, the two are merged.
        #expect(ReportStore.nextMerge(documents: [40_000, 10_000, 1_000], live: [39_000, 6_000, 900]) == 1...2)
        // Many tiny segments after a big one (query-time flushes under writes) merge in one go.
        let tiny = [2_400] + [Int](repeating: 5, count: 20)
        #expect(ReportStore.nextMerge(documents: tiny, live: tiny) == 5...20)
        #expect(ReportStore.nextMerge(documents: [2_400] + [Int](repeating: 5, count: 10), live: [2_400] + [Int](repeating: 5, count: 10)) == 1...10)
        // Past maxSegments, the neighbours with the fewest live docs merge.
        let live = [1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 1_000, 900, 100_000, 10_000, 10_000, 10_000, 10_000, 10_000, 1_000]
        #expect(ReportStore.nextMerge(documents: live, live: live) == 4...5)
    }
}
