// QuickFold against the full normalise-then-fold path: whenever it answers, its folded form is the
// fold of the token's normalised term (the snippeter skips tokens on its word).
import Foundation
import Testing

@testable import ReportIndex

@Suite("Quick fold")
struct QuickFoldTests {
    static func check(_ text: String) -> (answered: Int, tokens: Int) {
        let bytes = Array(text.utf8)
        var answered = 0
        var tokens = 0
        var scanner = Tokenizer.Scanner()
        let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: QuickFold.capacity)
        defer { out.deallocate() }
        bytes.withUnsafeBufferPointer { buffer in
            scanner.scan(buffer) { term, range in
                tokens += 1
                guard let length = QuickFold.fold(buffer, range, into: out) else { return }
                answered += 1
                #expect(Array(out[..<length]) == TextNormalizer.fold(utf8: term), "\(String(decoding: bytes[range], as: UTF8.self))")
            }
        }
        return (answered, tokens)
    }

    @Test("folds like the normaliser whenever it answers, and answers for NFC Vietnamese")
    func agreesWithNormaliser() {
        var generator = CorpusGenerator(seed: 99_001)
        var corpus = ""
        for _ in 0..<200 { corpus += generator.document() + "\n" }
        corpus += " HÒA Khỏe THỦY hòan Đảng ĐẢNG đá Ω Σίσυφος İstanbul ǅemal ß ﬁ Ⅻ ＡＢＣ 東京 ١٢٣ "
        let nfc = Self.check(corpus.precomposedStringWithCanonicalMapping)
        #expect(nfc.answered > nfc.tokens * 9 / 10)
        _ = Self.check(corpus.decomposedStringWithCanonicalMapping)
        _ = Self.check(corpus)
    }
}
