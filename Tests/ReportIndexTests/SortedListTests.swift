// The sorted doc-list helpers against Set arithmetic on random lists of very different lengths
// (galloping takes over when one list is 16 times shorter), empty lists and lists at the ends.
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
}
