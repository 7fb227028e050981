// SegmentFixtures: generated corpora and random queries shared by the segment tests (built on
// CorpusGenerator), plus helpers that build and compare segments. Deterministic per seed.
import Foundation

@testable import ReportIndex

struct SegmentFixtures {
    var generator: CorpusGenerator
    /// Report texts; index i is global doc number i.
    let texts: [String]

    init(seed: UInt64, count: Int) {
        generator = CorpusGenerator(seed: seed)
        var texts: [String] = []
        for _ in 0..<count { texts.append(generator.document()) }
        self.texts = texts
    }

    func bytes(_ doc: Int) -> [UInt8] { Array(texts[doc].utf8) }

    /// `count` parsed random queries (terms, phrases, exclusions, prefixes, accented or folded
    /// words, OR, title:), most built from words of a random doc so they hit; fold is random.
    mutating func queries(_ count: Int) -> [Query] {
        var result: [Query] = []
        var attempts = 0
        while result.count < count && attempts < count * 5 {
            attempts += 1
            let docText = texts[generator.int(texts.count)]
            let docWords = docText.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                .filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            let text = generator.query(docWords: docWords)
            if let query = try? Query.parse(text, fold: generator.chance(30)) { result.append(query) }
        }
        return result
    }

    /// The segment of docs range, local slot i = doc range.lowerBound + i, dead where `dead` says.
    func segment(_ range: Range<Int>, dead: @Sendable (Int) -> Bool = { _ in false }) -> IndexSegment {
        IndexBuilder.buildSegment(base: UInt32(range.lowerBound), docCount: range.count) { i in
            let doc = range.lowerBound + i
            return dead(doc) ? nil : bytes(doc)
        }
    }

    /// Splits 0..<count into random consecutive ranges of 1...maxLength docs.
    mutating func randomRanges(count: Int, maxLength: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < count {
            let end = min(count, start + 1 + generator.int(maxLength))
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}
