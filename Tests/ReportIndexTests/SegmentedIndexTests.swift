// SegmentedIndex against one index over all docs and against brute force: the same result sets and
// counts whatever the split into segments; pages merge by (score, global doc). Also buildSegment
// with a base and dead slots.
import Testing

@testable import ReportIndex

@Suite("Segmented index")
struct SegmentedIndexTests {
    static let seed: UInt64 = 20_250_302

    @Test("random consecutive segments give the result sets and counts of one index and of brute force")
    func splitAgreesWithWhole() throws {
        let docCount = 240
        var fixtures = SegmentFixtures(seed: Self.seed, count: docCount)
        // Dead slots (retired numbers) are nil in both the segments and the whole index.
        var dead = Set<Int>()
        for doc in 0..<docCount where fixtures.generator.chance(8) { dead.insert(doc) }
        let ranges = fixtures.randomRanges(count: docCount, maxLength: 45)
        let segmented = SegmentedIndex(
            segments: ranges.shuffled(using: &fixtures.generator.rng).map {
                fixtures.segment($0, dead: dead.contains)
            })
        let whole = fixtures.segment(0..<docCount, dead: dead.contains)
        let brute = BruteForce(
            texts: (0..<docCount).filter { !dead.contains($0) }.map { (UInt32($0), fixtures.texts[$0]) })
        #expect(segmented.segments.map(\.base) == ranges.map { UInt32($0.lowerBound) })
        #expect(segmented.documentCount == docCount - dead.count)
        #expect(segmented.documentCount == whole.index.documentCount)
        #expect(segmented.termCount >= whole.index.termCount)
        let isLive: (UInt32) -> Bool = { $0 % 7 != 3 }
        var nonEmpty = 0
        for (n, query) in fixtures.queries(200).enumerated() {
            let context = "seed \(Self.seed) query #\(n)"
            let expected = brute.matches(query)
            if !expected.isEmpty { nonEmpty += 1 }
            let found = segmented.matchingDocs(query)
            #expect(found == expected, "\(context)")
            #expect(whole.index.matchingDocs(query) == expected, "\(context)")
            let all = segmented.search(query, limit: 1_000, offset: 0, isLive: isLive)
            let live = expected.filter(isLive)
            #expect(all.total == live.count, "\(context)")
            #expect(all.hits.map(\.doc).sorted() == live, "\(context)")
            #expect(segmented.count(query, isLive: isLive) == live.count, "\(context)")
            #expect(whole.index.count(query, isLive: isLive) == live.count, "\(context)")
            // The merged order is (score descending, doc ascending), and a page is a slice of it.
            #expect(
                zip(all.hits, all.hits.dropFirst()).allSatisfy {
                    $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc)
                })
            let page = segmented.search(query, limit: 4, offset: 3, isLive: isLive)
            #expect(page.total == all.total)
            #expect(page.hits == Array(all.hits.dropFirst(3).prefix(4)), "\(context)")
        }
        #expect(nonEmpty > 60, "only \(nonEmpty) queries matched anything")
        // Best match over segments, on queries typed without tones (marked words take any tone):
        // the candidates and the as-typed total of brute force.
        var widened = 0
        for n in 0..<150 {
            let docWords = fixtures.texts[fixtures.generator.int(docCount)].split(whereSeparator: { $0 == " " || $0 == "\n" })
                .map(String.init).filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            let text = BestMatchTests.withoutTones(fixtures.generator.query(docWords: docWords) + " " + (docWords.first ?? "a"))
            guard let query = try? Query.parse(text) else { continue }
            let context = "seed \(Self.seed) toneless query #\(n) «\(text)»"
            let best = segmented.search(query, limit: 1_000, offset: 0, bestMatch: true, isLive: isLive)
            let expected = brute.bestMatchCandidates(query).filter { isLive($0.key) }
            #expect(Set(best.hits.map(\.doc)) == Set(expected.keys), "\(context)")
            #expect(best.total == brute.matches(query).filter(isLive).count, "\(context)")
            if expected.values.filter(\.all).count > best.total { widened += 1 }
        }
        #expect(widened > 5, "only \(widened) queries found more with any tone")
    }

    @Test("one segment at base 0 ranks exactly like its index")
    func singleSegmentIsTransparent() throws {
        var fixtures = SegmentFixtures(seed: Self.seed + 1, count: 80)
        let segment = fixtures.segment(0..<80)
        let segmented = SegmentedIndex(segments: [segment])
        for query in fixtures.queries(60) {
            let isLive: (UInt32) -> Bool = { $0 % 3 != 0 }
            #expect(
                segmented.search(query, limit: 9, offset: 2, isLive: isLive)
                    == segment.index.search(query, limit: 9, offset: 2, isLive: isLive))
        }
        #expect(segmented.byteCount == segment.index.byteCount)
        #expect(
            SegmentedIndex(segments: []).search(try Query.parse("vàng"), limit: 5, offset: 0, isLive: { _ in true })
                .total == 0)
    }

    @Test("buildSegment numbers docs from its base and leaves nil slots dead")
    func buildSegmentWithBase() throws {
        let texts: [String?] = [
            "Giá vàng\nGiá vàng hôm nay tăng.", nil, "Bóng đá\nĐội nhà thắng.", "", nil,
            "Vàng bạc\nThị trường vàng.",
        ]
        let segment = IndexBuilder.buildSegment(base: 1_000, docCount: texts.count) { texts[$0].map { Array($0.utf8) } }
        #expect(segment.base == 1_000)
        #expect(segment.docRange == 1_000..<1_006)
        // The empty report counts as a document; nil slots do not.
        #expect(segment.index.documentCount == 4)
        #expect(segment.index.docLengths[1] == 0 && segment.index.docLengths[4] == 0)
        let query = try Query.parse("vàng")
        #expect(segment.index.matchingDocs(query) == [0, 5])
        let segmented = SegmentedIndex(segments: [segment])
        #expect(segmented.matchingDocs(query) == [1_000, 1_005])
        let results = segmented.search(query, limit: 10, offset: 0, isLive: { $0 != 1_005 })
        #expect(results.total == 1)
        #expect(results.hits.map(\.doc) == [1_000])
        #expect(segmented.count(query, isLive: { $0 != 1_000 }) == 1)
        // Same bytes as the add/build path over the live docs (its last doc is live, so the slot counts agree).
        var builder = IndexBuilder()
        for (i, text) in texts.enumerated() { if let text { builder.add(doc: UInt32(i), text: Array(text.utf8)) } }
        let built = builder.build()
        #expect(built.postings == segment.index.postings)
        #expect(built.docLengths == segment.index.docLengths && built.titleLengths == segment.index.titleLengths)
        #expect(built.documentCount == segment.index.documentCount)
        #expect(built.averageWeightedLength == segment.index.averageWeightedLength)
    }
}
