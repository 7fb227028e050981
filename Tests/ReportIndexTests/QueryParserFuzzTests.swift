// Query parser under hostile input: the nesting and length limits (the parser recursed without a
// bound and a deep query crashed the daemon), and a seeded mutation fuzz run that parses thousands
// of mutated queries and searches a small index with every one that parses. Deterministic (fixed
// seed, fixed iteration count); a failure prints the query that caused it.
import Testing

@testable import ReportIndex

@Suite("Query parser limits and fuzzing")
struct QueryParserFuzzTests {
    private func code(_ text: String) -> QueryError.Code? {
        do {
            _ = try Query.parse(text)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("deep nesting and unbalanced parentheses are refused, not recursed into")
    func nesting() {
        #expect(code(String(repeating: "(", count: 16_000) + "a" + String(repeating: ")", count: 16_000)) == .tooLong)
        #expect(code(String(repeating: "(", count: 20_000)) == .tooLong)
        #expect(code(String(repeating: "(", count: 4_000) + "a" + String(repeating: ")", count: 4_000)) == .tooDeep)
        #expect(code(String(repeating: "(", count: 8_000)) == .tooDeep)
        #expect(code(String(repeating: "-(", count: 40) + "a") == .tooDeep)
        #expect(code(String(repeating: "title:(", count: 40) + "a") == .tooDeep)
        let deepest = Query.maxDepth
        #expect(code(String(repeating: "(", count: deepest) + "a" + String(repeating: ")", count: deepest)) == nil)
        #expect(code(String(repeating: "(", count: deepest + 1) + "a" + String(repeating: ")", count: deepest + 1)) == .tooDeep)
    }

    @Test("the depth error names the offset of the first '(' too deep")
    func depthOffset() {
        do {
            _ = try Query.parse("x " + String(repeating: "(", count: 100))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .tooDeep)
            #expect(error.offset == 2 + Query.maxDepth)
        }
    }

    @Test("a query longer than the character limit is refused before parsing")
    func length() {
        let word = "a "
        let longest = String(repeating: word, count: Query.maxCharacters / word.count)
        #expect(code(longest) != .tooLong)
        #expect(code(longest + "bb") == .tooLong)
        #expect(code(String(repeating: "\"", count: 50_000)) == .tooLong)
    }

    /// Pieces a mutation inserts: operators, quotes, parentheses, prefixes, marks, odd scalars.
    private static let pieces = [
        "(", ")", "\"", "-", "*", " OR ", "OR", "title:", "TITLE:", " ", "  ", "a", "Đảng", "dang", "kinh tế",
        "\u{301}", "\u{0}", "\u{FEFF}", "🎉", "35-CT/TW", "ab*", "+", "((", "))", "\"\"", "\t", "\n", "x*y",
        "ngh*", "-(", "title:(", "(a OR b)", "đ", "ǅ", "\u{10FFFF}",
    ]

    private static let seeds = [
        "Bộ Công Thương", "\"xây dựng Đảng\" -COVID", "dang uy", "a b OR c", "title:(a OR b) c", "ngh* Việt",
        "(a (b -c)) OR d", "-\"a b\" c", "COVID-19 2020", "hòa thủy khỏe",
    ]

    @Test("mutated queries parse or fail with a located error, and every parsed one evaluates")
    func mutationFuzz() {
        var generator = CorpusGenerator(seed: 0x5EED_F022)
        let index = generator.index(documents: 40)
        var rng = SplitMix64(seed: 0xF022_0009)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var parsedCount = 0
        for iteration in 0..<6_000 {
            var chars = Array(Self.seeds[pick(Self.seeds.count)])
            for _ in 0..<(1 + pick(6)) {
                switch pick(5) {
                case 0 where !chars.isEmpty:
                    chars.remove(at: pick(chars.count))
                case 1 where !chars.isEmpty:
                    let from = pick(chars.count)
                    let to = min(chars.count, from + 1 + pick(8))
                    chars.insert(contentsOf: Array(chars[from..<to]), at: pick(chars.count + 1))
                case 2:
                    let n = 1 + pick(60)
                    chars.insert(contentsOf: Array(String(repeating: pick(2) == 0 ? "(" : "-(", count: n)), at: pick(chars.count + 1))
                default:
                    chars.insert(contentsOf: Array(Self.pieces[pick(Self.pieces.count)]), at: pick(chars.count + 1))
                }
            }
            let text = String(chars)
            do {
                let query = try Query.parse(text, fold: pick(2) == 0)
                parsedCount += 1
                guard case .and(let required, _) = query.root, !required.isEmpty else {
                    Issue.record("iteration \(iteration): \(text.debugDescription) parsed to a root without a positive clause")
                    continue
                }
                #expect(query.termCount >= 1, "iteration \(iteration): \(text.debugDescription)")
                let results = index.search(query, limit: 5, offset: 0) { _ in true }
                #expect(results.hits.count <= 5)
                #expect(index.count(query) { _ in true } == results.total, "iteration \(iteration): \(text.debugDescription)")
            } catch {
                #expect(!error.message.isEmpty, "iteration \(iteration): \(text.debugDescription)")
                #expect(error.offset >= 0 && error.offset <= Swift.max(text.count, Query.maxCharacters),
                    "iteration \(iteration): \(text.debugDescription) -> \(error)")
            }
        }
        // The mutations must leave a fair share parseable, or the evaluation half tests nothing.
        #expect(parsedCount > 1_000)
    }
}
