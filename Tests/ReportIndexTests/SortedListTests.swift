// The sorted doc-list helpers against Set arithmetic on random lists of very different lengths
// (galloping takes over when one list is 16 times shorter), empty lists and lists at the ends;
// CandidateMap's two ways of finding candidates in a doc list.
import Testing

@testable import ReportIndex

@Suite("Sorted doc lists")
struct SortedListTests {
    private func randomList(_ count: Int, below limit: UInt32, _ rng: inout SystemRandomNumberGenerator) -> [UInt32] {
        var set = Set<UInt32>()
        while set.count < min(count, Int(limit)) { set.insert(UInt32.random(in: 0..<limit, using: &rng)) }
        return set.sorted()
    }

    @Test("intersect, union and subtract equal Set arithmetic, galloping or not")
    func matchesSets() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<400 {
            let limit = UInt32(1 + trial * 37 % 20_000)
            let a = randomList(Int.random(in: 0...40, using: &rng), below: limit, &rng)
            let b = randomList(Int.random(in: 0...(trial % 2 == 0 ? 5_000 : 60), using: &rng), below: limit, &rng)
            let expected = Set(a).intersection(b).sorted()
            #expect(QueryEvaluator.intersect(a, b) == expected)
            #expect(QueryEvaluator.intersect(b, a) == expected)
            #expect(QueryEvaluator.union(a, b) == Set(a).union(b).sorted())
            #expect(QueryEvaluator.subtract(b, a) == Set(b).subtracting(a).sorted())
        }
        let long = (0..<10_000).map { UInt32($0 * 2) }
        #expect(QueryEvaluator.intersect([0, 19_998], long) == [0, 19_998])
        #expect(QueryEvaluator.intersect([1, 19_999, 30_000], long) == [])
        #expect(QueryEvaluator.intersect([], long) == [])
    }

    @Test("CandidateMap finds each candidate in a doc list, by slot array or by merging")
    func candidateMap() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let slots = 1 + Int.random(in: 0..<5_000, using: &rng)
            // Few candidates (merged) or many (slot array), against docs lists of any length.
            let candidates = randomList(trial % 2 == 0 ? Int.random(in: 0..<(slots / 32 + 1), using: &rng) : slots / 2, below: UInt32(slots), &rng)
            let docs = randomList(Int.random(in: 0..<slots, using: &rng), below: UInt32(slots), &rng)
            var found: [(Int, Int)] = []
            CandidateMap(candidates, slots: slots).forEach(in: docs) { found.append(($0, $1)) }
            var expected: [(Int, Int)] = []
            for (j, doc) in docs.enumerated() {
                if let i = candidates.firstIndex(of: doc) { expected.append((i, j)) }
            }
            #expect(found.elementsEqual(expected, by: ==), "slots \(slots) candidates \(candidates.count) docs \(docs.count)")
        }
    }
}

