// Tokenizer, normaliser and title rules on hand-written Vietnamese cases (protocol/PROTOCOL.md, Appendix A).
import Foundation
import Testing

@testable import ReportIndex

private func terms(_ text: String) -> [String] { Tokenizer.tokens(text).map(\.term) }
private func folds(_ text: String) -> [String] { Tokenizer.tokens(text).map(\.folded) }

@Suite("Tokenizer and text rules")
struct TokenizerTests {
    @Test("NFD input gives the same tokens as NFC input")
    func nfdEqualsNFC() {
        let nfc = "Đảng Cộng sản Việt Nam lãnh đạo"
        let nfd = nfc.decomposedStringWithCanonicalMapping
        #expect(Array(nfd.utf8) != Array(nfc.utf8))
        #expect(terms(nfd) == terms(nfc))
        #expect(terms(nfc) == ["đảng", "cộng", "sản", "việt", "nam", "lãnh", "đạo"])
    }

    @Test("tokens are lowercased, including accented capitals")
    func mixedCase() {
        #expect(terms("HÀ NỘI Hà Nội hÀ nỘi") == ["hà", "nội", "hà", "nội", "hà", "nội"])
        #expect(terms("ĐƯỜNG Ưu ƠN") == ["đường", "ưu", "ơn"])
    }

    @Test("tone placement on oa, oe, uy is canonicalised in both directions")
    func tonePlacement() {
        // Canonical ("new style"): the tone sits on the second vowel of oa/oe/uy.
        #expect(terms("hòa hoà") == ["hoà", "hoà"])
        #expect(terms("khỏe khoẻ") == ["khoẻ", "khoẻ"])
        #expect(terms("thủy thuỷ") == ["thuỷ", "thuỷ"])
        #expect(terms("HÒA HOÀ KHỎE KHOẺ THỦY THUỶ") == ["hoà", "hoà", "khoẻ", "khoẻ", "thuỷ", "thuỷ"])
        #expect(terms("hòan hoàn") == ["hoàn", "hoàn"])
        #expect(terms("quý qúy") == ["quý", "quý"])
        #expect(terms("họa hoạ tòa toà") == ["hoạ", "hoạ", "toà", "toà"])
        // NFD with the tone on the first vowel is canonicalised too.
        #expect(terms("hòa".decomposedStringWithCanonicalMapping) == ["hoà"])
        // Other vowel pairs keep their tone where it is.
        #expect(terms("mùa của tuấn thuế") == ["mùa", "của", "tuấn", "thuế"])
        #expect(terms("hoa khoe thuy") == ["hoa", "khoe", "thuy"])
    }

    @Test("the folded form drops every diacritic and maps đ to d")
    func folding() {
        #expect(folds("Đảng đang dáng ĐÀ") == ["dang", "dang", "dang", "da"])
        #expect(folds("Nguyễn Thị Hường thuỷ") == ["nguyen", "thi", "huong", "thuy"])
        let token = Tokenizer.tokens("Đảng")[0]
        #expect(token.isAccented)
        #expect(!Tokenizer.tokens("dang")[0].isAccented)
    }

    @Test("codes and numbers split on punctuation")
    func codes() {
        #expect(terms("Chỉ thị 35-CT/TW") == ["chỉ", "thị", "35", "ct", "tw"])
        #expect(terms("COVID-19, năm 2021.") == ["covid", "19", "năm", "2021"])
        #expect(terms("3,5% và 10.000 đồng") == ["3", "5", "và", "10", "000", "đồng"])
    }

    @Test("punctuation, emoji and symbols separate tokens")
    func separators() {
        #expect(terms("xin chào👋thế giới!!! «tin» — “mới”…") == ["xin", "chào", "thế", "giới", "tin", "mới"])
        #expect(terms("a+b=c ©2020 ★sao★") == ["a", "b", "c", "2020", "sao"])
        #expect(terms("  \n\t ") == [])
    }

    @Test("byte ranges point at the original bytes, also for NFD input")
    func byteRanges() {
        let text = "Ôi, Hà Nội!"
        let bytes = Array(text.utf8)
        let tokens = Tokenizer.tokens(bytes)
        #expect(tokens.map { String(decoding: bytes[$0.byteRange], as: UTF8.self) } == ["Ôi", "Hà", "Nội"])
        let nfd = Array("Nội".decomposedStringWithCanonicalMapping.utf8)
        let token = Tokenizer.tokens(nfd)[0]
        #expect(token.byteRange == 0..<nfd.count)
        #expect(token.term == "nội")
    }

    @Test("malformed UTF-8 acts as a separator and never crashes")
    func malformed() {
        let bytes: [UInt8] = Array("ab".utf8) + [0xFF, 0xC3] + Array("cd".utf8) + [0xE1, 0xBA]
        #expect(Tokenizer.tokens(bytes).map(\.term) == ["ab", "cd"])
    }

    @Test("the title is the first non-empty trimmed line; the body is the rest")
    func title() {
        let text = Array("\n   \r\n  Tiêu đề bài báo  \r\nThân bài.\nDòng hai".utf8)
        #expect(TitleExtractor.title(of: text) == "Tiêu đề bài báo")
        let split = TitleExtractor.split(text)
        #expect(String(decoding: text[split.bodyStart...], as: UTF8.self) == "Thân bài.\nDòng hai")
        #expect(TitleExtractor.title(of: Array(" \n \n".utf8)) == "")
        #expect(TitleExtractor.title(of: Array("Chỉ tiêu đề".utf8)) == "Chỉ tiêu đề")
        #expect(TitleExtractor.split(Array("Chỉ tiêu đề".utf8)).bodyStart == "Chỉ tiêu đề".utf8.count)
    }

    @Test("Rice, gamma and varint codes round-trip")
    func bitCodes() {
        var rng = SplitMix64(seed: 7)
        var values: [(Int, Int)] = []
        var writer = BitWriter()
        writer.writeVarint(300)
        for _ in 0..<2000 {
            let k = Int(rng.next() % 20)
            let value = Int(rng.next() % (1 << UInt64(k + 3)))
            values.append((value, k))
            writer.writeRice(value, k: k)
            writer.writeGamma(value + 1)
        }
        writer.writeRice(5000, k: 0)  // long unary run
        writer.finish()
        let bytes = writer.bytes + [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeBufferPointer { buffer in
            var reader = BitReader(base: buffer.baseAddress!, byteOffset: 0)
            #expect(reader.readVarint() == 300)
            for (value, k) in values {
                #expect(reader.readRice(k: k) == value)
                #expect(reader.readGamma() == value + 1)
            }
            #expect(reader.readRice(k: 0) == 5000)
        }
    }
}
