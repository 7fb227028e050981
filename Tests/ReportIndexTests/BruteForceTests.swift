// The index against the brute-force matcher on a generated corpus and thousands of random queries.
import Foundation
import Testing

@testable import ReportIndex

@Suite("Index agrees with brute force")
struct BruteForceTests {
    static let seed: UInt64 = 20_240_611

    @Test("search and count return exactly the brute-force result sets")
    func randomQueries() throws {
        var generator = CorpusGenerator(seed: Self.seed)
        var texts: [(UInt32, String)] = []
        // Sparse doc numbers (gaps) exercise the doc-slot handling.
        var number: UInt32 = 0
        for _ in 0..<250 {
            texts.append((number, generator.document()))
            number += generator.chance(10) ? 3 : 1
        }
        var builder = IndexBuilder()
        for (doc, text) in texts.reversed() { builder.add(doc: doc, text: Array(text.utf8)) }
        let index = builder.build()
        let brute = BruteForce(texts: texts)
        let isLive: (UInt32) -> Bool = { $0 % 7 != 3 }
        var checked = 0
        var nonEmpty = 0
        var attempts = 0
        while checked < 2000 && attempts < 10_000 {
            attempts += 1
            let docText = texts[generator.int(texts.count)].1
            let docWords = docText.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                .filter { $0.unicodeScalars.allSatisfy(BruteForce.isTokenScalar) }
            let text = generator.query(docWords: docWords)
            let fold = generator.chance(30)
            guard let query = try? Query.parse(text, fold: fold) else { continue }
            checked += 1
            let expected = brute.matches(query)
            let expectedLive = expected.filter(isLive)
            if !expected.isEmpty { nonEmpty += 1 }
            let context = "seed \(Self.seed) query #\(checked) «\(text)» fold \(fold)"
            let found = index.matchingDocs(query)
            #expect(found == expected, "\(context)")
            let results = index.search(query, limit: 10_000, offset: 0, isLive: isLive)
            #expect(results.total == expectedLive.count, "\(context)")
            #expect(results.hits.map(\.doc).sorted() == expectedLive, "\(context)")
            #expect(index.count(query, isLive: isLive) == expectedLive.count, "\(context)")
            if found != expected { break }
        }
        #expect(checked == 2000)
        // The generator must produce mostly hitting queries, or the comparison proves little.
        #expect(nonEmpty > checked / 3, "only \(nonEmpty) of \(checked) queries matched anything")
    }
}
