// SegmentMerger: a merge equals a fresh build of the live docs, byte for byte (same encoder, same
// statistics), and answers queries like brute force over them.
import Testing

@testable import ReportIndex

@Suite("Segment merger")
struct SegmentMergerTests {
    static let seed: UInt64 = 20_250_303

    /// Random segments over 0..<docCount, some ranges left out (gaps), some slots dead (nil).
    static func randomSegments(
        _ fixtures: inout SegmentFixtures, docCount: Int
    ) -> (segments: [IndexSegment], present: Set<Int>) {
        var segments: [IndexSegment] = []
        var present = Set<Int>()
        for (i, range) in fixtures.randomRanges(count: docCount, maxLength: 50).enumerated() {
            // Keep the first range, so minBase is 0 or later only when chosen; drop others now and then.
            if i > 0 && fixtures.generator.chance(15) { continue }
            var dead = Set<Int>()
            for doc in range where fixtures.generator.chance(6) { dead.insert(doc) }
            segments.append(fixtures.segment(range, dead: dead.contains))
            present.formUnion(range.filter { !dead.contains($0) })
        }
        return (segments, present)
    }

    /// The segment IndexBuilder makes of the docs `keep` accepts, over the same slots as `merged`.
    static func freshBuild(
        _ fixtures: SegmentFixtures, like merged: IndexSegment, keep: @Sendable (Int) -> Bool
    ) -> IndexSegment {
        let base = Int(merged.base)
        return fixtures.segment(base..<(base + merged.docRange.count), dead: { !keep($0) })
    }

    @Test("merging random segments with random deletions equals a fresh build of the live docs")
    func mergeWithDeletions() throws {
        let docCount = 260
        var fixtures = SegmentFixtures(seed: Self.seed, count: docCount)
        let (segments, present) = Self.randomSegments(&fixtures, docCount: docCount)
        var chosen = Set<Int>()
        for doc in 0..<docCount where fixtures.generator.chance(20) { chosen.insert(doc) }
        let deleted = chosen
        let isLive: (UInt32) -> Bool = { !deleted.contains(Int($0)) }
        let merged = SegmentMerger.merge(segments, isLive: isLive)
        #expect(merged.base == segments[0].base)
        #expect(merged.docRange.upperBound == segments.last!.docRange.upperBound)
        let keep: @Sendable (Int) -> Bool = { present.contains($0) && !deleted.contains($0) }
        let fresh = Self.freshBuild(fixtures, like: merged, keep: keep)
        #expect(merged.index.documentCount == present.filter { !deleted.contains($0) }.count)
        #expect(merged.index.postings == fresh.index.postings)
        #expect(merged.serialized() == fresh.serialized())

        let brute = BruteForce(texts: (0..<docCount).filter(keep).map { (UInt32($0), fixtures.texts[$0]) })
        let before = SegmentedIndex(segments: segments)
        let after = SegmentedIndex(segments: [merged])
        for (n, query) in fixtures.queries(250).enumerated() {
            let expected = brute.matches(query)
            #expect(after.matchingDocs(query) == expected, "seed \(Self.seed) query #\(n)")
            #expect(after.count(query, isLive: { _ in true }) == expected.count)
            let beforeHits = before.search(query, limit: 500, offset: 0, isLive: isLive)
            let afterHits = after.search(query, limit: 500, offset: 0, isLive: { _ in true })
            #expect(Set(beforeHits.hits.map(\.doc)) == Set(afterHits.hits.map(\.doc)), "query #\(n)")
            #expect(beforeHits.total == afterHits.total)
            let freshHits = fresh.index.search(query, limit: 500, offset: 0, isLive: { _ in true })
            #expect(afterHits == freshHits.globalized(base: fresh.base), "query #\(n)")
        }
    }

    @Test("a merge without deletions is byte-identical to building the same docs as one segment")
    func mergeWithoutDeletions() {
        let docCount = 200
        var fixtures = SegmentFixtures(seed: Self.seed + 1, count: docCount)
        let (segments, present) = Self.randomSegments(&fixtures, docCount: docCount)
        let merged = SegmentMerger.merge(segments, isLive: { _ in true })
        let fresh = Self.freshBuild(fixtures, like: merged, keep: present.contains)
        #expect(merged.index.termCount == fresh.index.termCount)
        #expect(merged.index.postings == fresh.index.postings)
        #expect(merged.serialized() == fresh.serialized())
    }

    @Test("merging merges, and merging loaded segments, gives the same bytes")
    func mergeTwice() throws {
        let docCount = 180
        var fixtures = SegmentFixtures(seed: Self.seed + 2, count: docCount)
        let segments = fixtures.randomRanges(count: docCount, maxLength: 30).map { fixtures.segment($0) }
        let isLive: (UInt32) -> Bool = { $0 % 9 != 4 }
        let once = SegmentMerger.merge(segments, isLive: isLive)
        let half = segments.count / 2
        let left = SegmentMerger.merge(Array(segments[..<half]), isLive: { $0 % 2 == 0 || $0 % 9 != 4 })
        let twice = SegmentMerger.merge([left] + segments[half...], isLive: isLive)
        #expect(twice.serialized() == once.serialized())
        let loaded = try segments.map { try IndexSegment(serialized: $0.serialized()) }
        #expect(SegmentMerger.merge(loaded, isLive: isLive).serialized() == once.serialized())
    }

    @Test("empty reports stay documents and dead slots do not; an all-dead merge is empty")
    func edgeCases() throws {
        let first = IndexBuilder.buildSegment(base: 10, docCount: 4) { i in
            [Array("Giá vàng\nvàng tăng".utf8), [], nil, Array("Vàng\nbạc".utf8)][i]
        }
        let second = IndexBuilder.buildSegment(base: 20, docCount: 3) { i in [[], nil, Array("Mưa\nvàng".utf8)][i] }
        // Retired numbers (the nil slots) are not live, as the store reports them.
        let merged = SegmentMerger.merge([first, second], isLive: { $0 != 12 && $0 != 21 && $0 != 13 })
        #expect(merged.docRange == 10..<23)
        #expect(merged.index.documentCount == 4)  // 10, 11 (empty), 20 (empty), 22
        #expect(SegmentedIndex(segments: [merged]).matchingDocs(try Query.parse("vàng")) == [10, 22])
        let none = SegmentMerger.merge([first, second], isLive: { _ in false })
        #expect(none.index.termCount == 0 && none.index.documentCount == 0)
        #expect(try IndexSegment(serialized: none.serialized()).serialized() == none.serialized())
        #expect(SegmentMerger.merge([], isLive: { _ in true }).docRange == 0..<0)
    }
}

extension SearchResults {
    /// The same results with local doc numbers shifted by `base`.
    func globalized(base: UInt32) -> SearchResults {
        SearchResults(
            total: total, hits: hits.map { ScoredDoc(doc: base + $0.doc, score: $0.score, matchedWords: $0.matchedWords) },
            queryWords: queryWords, exhausted: exhausted, spent: spent)
    }
}
