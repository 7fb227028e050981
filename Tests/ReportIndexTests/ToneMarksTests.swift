// A query typed without tones (protocol/PROTOCOL.md, Appendix A.7): which spellings a marked word
// then carries, when a query counts as typed without tones, and what best match, the strict page,
// the total and COUNT make of it.
import Foundation
import Testing

@testable import ReportIndex

private func term(_ text: String) -> [UInt8] { Array(Tokenizer.tokens(text)[0].term.utf8) }

private func index(_ texts: [String]) -> SearchIndex {
    IndexBuilder.build(docCount: texts.count) { Array(texts[$0].utf8) }
}

@Suite("Words typed without their tone")
struct ToneMarksTests {
    @Test("a marked word without a tone carries its marks, letter by letter, with any tone")
    func carries() {
        let yes = [("nôi", "nội"), ("nôi", "nối"), ("nôi", "nồi"), ("đuoc", "được"), ("viêt", "việt"), ("huê", "huế"),
                   ("ơ", "ở"), ("đa", "đã"), ("đa", "đâ"), ("ưu", "ừu"), ("hoa", "hoà"), ("chưng", "chứng"), ("müller", "mǘller")]
        let no = [("nôi", "nói"), ("nôi", "noi"), ("đuoc", "duoc"), ("ô", "ơ"), ("huê", "hue"), ("đa", "da"),
                  ("viêt", "viet"), ("ưu", "ứ"), ("chưng", "chúng")]
        for (typed, token) in yes { #expect(ToneMarks.carries(typed: term(typed), token: Array(Tokenizer.tokens(token)[0].term.utf8)), "\(typed) \(token)") }
        for (typed, token) in no { #expect(!ToneMarks.carries(typed: term(typed), token: Array(token.precomposedStringWithCanonicalMapping.utf8)), "\(typed) \(token)") }
        #expect(ToneMarks.hasTone(utf8: term("hà")))
        #expect(ToneMarks.hasTone(utf8: term("Nội")))
        #expect(!ToneMarks.hasTone(utf8: term("Nôi")))
        #expect(!ToneMarks.hasTone(utf8: term("đuoc")))
        #expect(!ToneMarks.hasTone(utf8: term("công")))
        #expect(!ToneMarks.hasTone(utf8: term("ha")))
        // Tone marks on any letter count (ñ has the tilde, é the acute); other marks do not.
        #expect(ToneMarks.hasTone(utf8: term("señor")))
        #expect(ToneMarks.hasTone(utf8: term("café")))
        #expect(ToneMarks.hasTone(utf8: term("Gdańsk")))
        #expect(!ToneMarks.hasTone(utf8: term("Müller")))
    }

    @Test("only a query best match ranks, with no tone anywhere, lets its plain marked words take any tone")
    func gate() throws {
        func widened(_ text: String, fold: Bool = false) throws -> [String] {
            let form = try Query.parse(text, fold: fold).bestMatchForm
            return form.positiveLeaves.compactMap { leaf in
                if case .term(let word, _) = leaf, word.anyTone { return String(decoding: word.term, as: UTF8.self) }
                return nil
            }
        }
        #expect(try widened("Ha Nôi") == ["nôi"])
        #expect(try widened("đuoc giao đât") == ["đuoc", "đât"])
        #expect(try widened("Hà Nôi").isEmpty)           // a tone: typed with marks, taken as spelt
        #expect(try widened("Nôi").isEmpty)              // a lone word: `công` is a whole spelling
        #expect(try widened("Ha Nôi", fold: true) == ["nôi"])  // under fold: which spellings rank as exact
        #expect(try widened("\"Ha Nôi\" mưa") == ["mưa"])  // phrases, prefixes and title: words as typed
        #expect(try widened("\"Ha Nôi\" mua").isEmpty)
        #expect(try widened("Nôi* ha").isEmpty)
        #expect(try widened("title:Nôi ha").isEmpty)
        #expect(try widened("ha Nôi -bão").isEmpty)      // the exclusion's tone counts too
        // Only where best match ranks (two clauses or more, one not +), and never a quoted word.
        #expect(try widened("Nôi -ha").isEmpty)
        #expect(try widened("nôi nôi").isEmpty)          // one clause: the repeat is dropped
        #expect(try widened("+Ha +Nôi").isEmpty)
        #expect(try widened("+Nôi ha") == ["nôi"])
        #expect(try widened("\"Nôi\" ha").isEmpty)
        #expect(try widened("(Nôi ha) Viêt") == ["viêt"])  // not inside a group
        #expect(try widened("señor Nôi").isEmpty)        // ñ carries a tone mark
        #expect(try widened("Müller Nôi") == ["müller", "nôi"])
        // A repeated word keeps its first copy: quoted or not, that one decides.
        #expect(try widened("\"Nôi\" Nôi ha").isEmpty)
        #expect(try widened("Nôi OR \"Nôi\" ha") == ["nôi"])
    }

    @Test("best match finds what a word typed without its tone means; the total, the strict page and COUNT take it as typed")
    func bestMatch() throws {
        let idx = index([
            "Mưa lớn ở Hà Nội\nNội thành Hà Nội ngập sâu.",
            "Chiếc nôi\nEm bé ngủ trong nôi.",
            "Nổi bật\nHà Giang nổi tiếng.",
            "Nói chuyện\nhà nói.",
        ])
        let query = try Query.parse("Ha Nôi")
        let best = idx.search(query, limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(best.hits.first?.doc == 0)
        // Docs 0 and 2 hold both words once `Nôi` takes any tone (nội, nổi); doc 3's `nói` has
        // another mark, doc 1 lacks `ha`. None holds `nôi` and a `ha`: the total is 0.
        #expect(best.hits.map(\.doc).prefix(2).sorted() == [0, 2])
        #expect(best.hits.prefix(2).allSatisfy { $0.score >= SearchIndex.allWordsBonus })
        #expect(best.hits.map(\.doc).sorted() == [0, 1, 2, 3])
        #expect(best.total == 0)
        #expect(idx.search(query, limit: 10, offset: 0, bestMatch: false, isLive: { _ in true }).hits.isEmpty)
        #expect(idx.count(query, isLive: { _ in true }) == 0)
        // Under fold every spelling matches; those carrying the typed marks rank as exact.
        let folded = idx.search(try Query.parse("Ha Nôi", fold: true), limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(folded.hits.prefix(2).map(\.doc).sorted() == [0, 2])
        #expect(folded.total == 3)  // fold's total: every spelling, not only the carried ones
        // With a tone elsewhere in the query, `Nôi` is only `nôi`.
        let typed = try Query.parse("Hà Nôi")
        let strictish = idx.search(typed, limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(strictish.hits.allSatisfy { $0.score < SearchIndex.allWordsBonus })
        // Highlights follow what matched: the snippet marks `Nội`.
        let snippet = Snippeter.snippet(text: Array("Mưa lớn ở Hà Nội\nNội thành Hà Nội ngập sâu.".utf8), query: query.bestMatchForm)
        let marked = snippet.matches.map { String(decoding: Array(snippet.text.utf8)[$0], as: UTF8.self) }
        #expect(marked.contains("Nội"))
    }

    @Test("question words typed without tones still ask: `ơ đâu` is `ở đâu`")
    func questionWords() throws {
        let idx = index(["A\ntrận đấu diễn ra ở sân Mỹ Đình", "B\nsân bóng", "C\nở đâu có sân"])
        let query = try Query.parse("sân My Đinh ơ đâu").bestMatchForm
        let ranker = BestMatchRanker(index: idx, query: query)
        #expect(ranker.questionClauses(query.clauses) == [false, false, false, true, true])
        let best = idx.search(query, limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(best.hits.first?.doc == 0)
        #expect(best.hits.first.map { $0.score >= SearchIndex.allWordsBonus } == true)
    }
}

@Suite("i/y spellings of one syllable")
struct SpellingVariantTests {
    @Test("a toned i or y alone after h, k, l, m, qu, s, t, v has a twin; other syllables do not")
    func twins() {
        func twin(_ text: String) -> String? {
            SpellingVariant.twin(of: term(text)).map { String(decoding: $0, as: UTF8.self) }
        }
        let pairs = [("kĩ", "kỹ"), ("lí", "lý"), ("Mĩ", "mỹ"), ("quí", "quý"), ("tỉ", "tỷ"), ("sĩ", "sỹ"), ("kì", "kỳ"), ("hỉ", "hỷ"), ("vĩ", "vỹ"),
                     ("kị", "kỵ"), ("quĩ", "quỹ"), ("quì", "quỳ"), ("quị", "quỵ"), ("quỉ", "quỷ"), ("KĨ", "kỹ"), ("ki\u{303}", "kỹ")]
        for (a, b) in pairs {
            #expect(twin(a) == b, "\(a)")
            #expect(twin(b) == String(decoding: term(a), as: UTF8.self), "\(b)")
        }
        // Every onset, tone and letter: the twin of the twin is the syllable.
        for onset in ["h", "k", "l", "m", "qu", "s", "t", "v"] {
            for letter in ["i", "y"] {
                for tone in ["\u{300}", "\u{301}", "\u{303}", "\u{309}", "\u{323}"] {
                    let syllable = String(decoding: term(onset + letter + tone), as: UTF8.self)
                    let other = twin(syllable)
                    #expect(other != nil && other.flatMap(twin) == syllable, "\(syllable)")
                }
            }
        }
        for word in ["ty", "ly", "Vy", "my", "chí", "thì", "gì", "ý", "kính", "thủy", "nghĩ", "lịch", "kiến", "qui"] {
            #expect(twin(word) == nil, "\(word)")
        }
    }

    @Test("best match finds the other i/y spelling; the total, the strict page and COUNT take the word as typed")
    func bestMatch() throws {
        let idx = index(["Kỹ thuật mới\nkỹ thuật số phát triển", "Kĩ năng\nkĩ năng sống", "Thuật ngữ\nthuật toán"])
        let query = try Query.parse("kĩ thuật")
        let best = idx.search(query, limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(best.hits.first?.doc == 0)
        #expect(best.hits.first.map { $0.score >= SearchIndex.allWordsBonus } == true)
        #expect(best.total == 0)
        #expect(idx.count(query, isLive: { _ in true }) == 0)
        #expect(idx.search(query, limit: 10, offset: 0, isLive: { _ in true }).hits.isEmpty)
        // A lone word, a quoted one, and fold are as typed.
        #expect(idx.search(try Query.parse("kĩ"), limit: 10, offset: 0, bestMatch: true, isLive: { _ in true }).hits.map(\.doc) == [1])
        #expect(try Query.parse("\"kĩ\" thuật").bestMatchForm.positiveLeaves.allSatisfy { leaf in
            if case .term(let word, _) = leaf { return word.twin == nil }
            return true
        })
        func twins(_ text: String) throws -> [String] {
            try Query.parse(text).bestMatchForm.positiveLeaves.compactMap { leaf in
                if case .term(let word, _) = leaf, word.twin != nil { return String(decoding: word.term, as: UTF8.self) }
                return nil
            }
        }
        #expect(try twins("kĩ thuật") == ["kĩ"])
        #expect(try twins("KĨ thuật") == ["kĩ"])
        #expect(try twins("+kĩ thuật") == ["kĩ"])
        for asTyped in ["+kĩ +thuật", "kĩ* thuật", "title:kĩ thuật", "\"kĩ thuật\"", "\"kĩ thuật\" số", "kĩ OR x y", "(kĩ thuật) x", "kĩ -thuật",
                        "\"kĩ\" kĩ thuật", "ki thuat", "kĩ-thuật số"] {
            #expect(try twins(asTyped).isEmpty, "\(asTyped)")
        }
        // The quoted word, through the search: only `kĩ`.
        let quoted = idx.search(try Query.parse("\"kĩ\" thuật"), limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(quoted.hits.allSatisfy { $0.score < SearchIndex.allWordsBonus })
        let folded = idx.search(try Query.parse("kĩ thuật", fold: true), limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(folded.hits.allSatisfy { $0.score < SearchIndex.allWordsBonus })
        // Question phrases are not found through a twin: `vỳ sao` is not `vì sao`.
        let asked = try Query.parse("vỳ sao giá xăng tăng mạnh").bestMatchForm
        #expect(BestMatchRanker(index: idx, query: asked).questionClauses(asked.clauses) == [false, false, false, false, false, false])
        // Across segments: `kĩ` in one, `kỹ` in the other (there the word resolves to its twin alone).
        let texts = ["Kĩ thuật\nkĩ thuật cũ", "Kỹ thuật\nkỹ thuật mới", "Thuật toán\nthuật ngữ"]
        let segments = SegmentedIndex(segments: [
            IndexBuilder.buildSegment(base: 0, docCount: 1) { _ in Array(texts[0].utf8) },
            IndexBuilder.buildSegment(base: 1, docCount: 2) { Array(texts[1 + $0].utf8) },
        ])
        let across = segments.search(query, limit: 10, offset: 0, bestMatch: true, isLive: { _ in true })
        #expect(across.hits.prefix(2).map(\.doc).sorted() == [0, 1])
        #expect(across.hits.prefix(2).allSatisfy { $0.score >= SearchIndex.allWordsBonus })
        #expect(across.total == 1)
        #expect(segments.count(query, isLive: { _ in true }) == 1)
        // Highlights follow: the snippet marks `kỹ`.
        let snippet = Snippeter.snippet(text: Array("Kỹ thuật mới\nkỹ thuật số phát triển".utf8), query: query.bestMatchForm)
        #expect(snippet.matches.map { String(decoding: Array(snippet.text.utf8)[$0], as: UTF8.self) }.contains("kỹ"))
    }
}
