// PostingCodec.decodeCounts against the full decode: for every term of a generated corpus, the
// per-doc tf and title-position count it reports equal those counted from the decoded positions;
// positions read again by seeking (PostingCodec+Positions) equal the full decode's.
import Testing

@testable import ReportIndex

@Suite("Posting counts")
struct PostingCountsTests {
    @Test("decodeCounts gives the docs, tf and title counts of the full decode for every term")
    func countsMatchFullDecode() {
        var generator = CorpusGenerator(seed: 7_310_022)
        var builder = IndexBuilder()
        var doc: UInt32 = 0
        for _ in 0..<300 {
            builder.add(doc: doc, text: Array(generator.document().utf8))
            doc += generator.chance(10) ? 4 : 1
        }
        let index = builder.build()
        #expect(index.termCount > 100)
        Self.expectCountsMatchFullDecode(index)
    }

    @Test("a gap or tf too long for one window (the code-by-code path) decodes alike")
    func longCodesMatchFullDecode() {
        var builder = IndexBuilder()
        // 400 docs close together, then two far away (kDoc is 12 here): doc 110,400's gap takes 39
        // bits and its tf (a word repeated 9,000 times) 27 more, past a window; doc 3,000,000's
        // gap alone is longer than a window.
        for doc in 0..<400 { builder.add(doc: UInt32(doc), text: Array("Tin \(doc)\nmưa lớn ở Hà Nội".utf8)) }
        builder.add(doc: 110_400, text: Array(("Lũ\n" + String(repeating: "mưa ", count: 9_000)).utf8))
        builder.add(doc: 3_000_000, text: Array("Mưa\nmưa lớn kéo dài".utf8))
        let index = builder.build()
        Self.expectCountsMatchFullDecode(index)
        let mua = (0..<index.termCount).map { index.posting($0) }.max { $0.docs.count < $1.docs.count }!
        #expect(mua.docs.last == 3_000_000)
        #expect(mua.docs.contains(110_400))
    }

    /// For every term of `index`: decodeCounts' (doc, tf, inTitle) equal those counted from the full decode.
    static func expectCountsMatchFullDecode(_ index: SearchIndex) {
        for id in 0..<index.termCount {
            let full = index.posting(id)
            var expected: [(UInt32, UInt32, UInt32)] = []
            for (i, d) in full.docs.enumerated() {
                let positions = full.positions[Int(full.offsets[i])..<Int(full.offsets[i + 1])]
                let title = index.titleLengths[Int(d)]
                expected.append((d, UInt32(positions.count), UInt32(positions.filter { $0 < title }.count)))
            }
            var actual: [(UInt32, UInt32, UInt32)] = []
            index.forEachCount(id) { actual.append(($0, $1, $2)) }
            #expect(actual.elementsEqual(expected, by: ==), "term \(id)")
        }
    }

    @Test("positions read by seeking equal the full decode's for any chosen docs, held or not")
    func seekedPositionsMatchFullDecode() {
        var generator = CorpusGenerator(seed: 51_017)
        let index = generator.index(documents: 600)
        for id in 0..<index.termCount {
            let full = index.posting(id)
            var docs: [UInt32] = []
            var bits: [Int] = []
            index.forEachCount(atOffset: index.dictionary.entry(id).postingOffset) { doc, _, _, bit in
                docs.append(doc)
                bits.append(bit)
            }
            let seeks = PositionSeeks(docs: docs, bits: bits)
            // Few or many chosen docs, far apart or close (galloping takes long and short strides).
            let share = [1, 5, 50, 100][id % 4]
            let chosen = (0..<600).filter { _ in generator.int(100) < share }.map(UInt32.init)
            let seeked = index.positions(seeks: seeks, chosen: chosen)
            let wanted = Set(chosen)
            var expected = DecodedPosting()
            for (i, doc) in full.docs.enumerated() where wanted.contains(doc) {
                expected.docs.append(doc)
                expected.positions += full.positions[Int(full.offsets[i])..<Int(full.offsets[i + 1])]
                expected.offsets.append(Int32(expected.positions.count))
            }
            #expect(seeked.docs == expected.docs && seeked.offsets == expected.offsets && seeked.positions == expected.positions, "term \(id)")
        }
    }

    @Test("firstAtLeast equals a linear scan")
    func firstAtLeastMatchesScan() {
        var generator = CorpusGenerator(seed: 3)
        for trial in 0..<400 {
            var docs: [UInt32] = []
            var doc: UInt32 = 0
            for _ in 0..<(trial % 60) {
                doc += UInt32(1 + generator.int(trial % 5 == 0 ? 1_000 : 4))
                docs.append(doc)
            }
            for _ in 0..<20 {
                let from = docs.isEmpty ? 0 : generator.int(docs.count + 1)
                let target = UInt32(generator.int(Int(doc) + 3))
                var scan = from
                while scan < docs.count && docs[scan] < target { scan += 1 }
                #expect(PostingCodec.firstAtLeast(target, in: docs, from: from) == scan, "\(docs) from \(from) target \(target)")
            }
        }
    }

    @Test("riceKFast equals riceK")
    func riceKFast() {
        for total in 0..<3000 {
            for count in 1..<400 {
                #expect(PostingCodec.riceKFast(total: total, count: count) == PostingCodec.riceK(total: total, count: count))
            }
        }
        for total in [1 << 20, (1 << 24) - 1, 12_345_678, 99_999] {
            for count in [1, 2, 3, 7, 100, 65_535, 1 << 23] {
                #expect(PostingCodec.riceKFast(total: total, count: count) == PostingCodec.riceK(total: total, count: count))
            }
        }
    }
}
