// Query parser: every construct and every error code.
import Testing

@testable import ReportIndex

private func word(_ node: QueryNode) -> String? {
    if case .term(let term, _) = node { return String(decoding: term.term, as: UTF8.self) }
    return nil
}

private func shape(_ node: QueryNode) -> String {
    switch node {
    case .term(let term, let titleOnly):
        return (titleOnly ? "title:" : "") + String(decoding: term.term, as: UTF8.self) + (term.isPrefix ? "*" : "")
    case .phrase(let words, let titleOnly):
        return (titleOnly ? "title:" : "") + "\"" + words.map { String(decoding: $0.term, as: UTF8.self) }.joined(separator: " ") + "\""
    case .or(let operands):
        return "(" + operands.map(shape).joined(separator: "|") + ")"
    case .and(let required, let excluded):
        return "[" + (required.map(shape) + excluded.map { "-" + shape($0) }).joined(separator: " ") + "]"
    }
}

private func parsed(_ text: String) throws -> String { shape(try Query.parse(text).root) }

private func code(_ text: String) -> QueryError.Code? {
    do {
        _ = try Query.parse(text)
        return nil
    } catch {
        #expect(!error.message.isEmpty)
        return error.code
    }
}

@Suite("Query parser")
struct QueryParserTests {
    @Test("terms are ANDed and normalised like text")
    func terms() throws {
        #expect(try parsed("Hà NỘI") == "[hà nội]")
        #expect(try parsed("hòa thủy") == "[hoà thuỷ]")
        #expect(try parsed("  kinh   tế ") == "[kinh tế]")
    }

    @Test("phrases keep their words in order; a split word becomes a phrase")
    func phrases() throws {
        #expect(try parsed("\"bóng đá\" Việt") == "[\"bóng đá\" việt]")
        #expect(try parsed("35-CT/TW") == "[\"35 ct tw\"]")
        #expect(try parsed("\"Hà\"") == "[hà]")
    }

    @Test("OR binds tighter than the implicit AND")
    func orPrecedence() throws {
        #expect(try parsed("a b OR c") == "[a (b|c)]")
        #expect(try parsed("a OR b OR \"c d\" e") == "[(a|b|\"c d\") e]")
        #expect(try parsed("(a b) OR c") == "[([a b]|c)]")
        #expect(try parsed("a or b") == "[a or b]")
    }

    @Test("exclusions, prefixes, title: and groups")
    func constructs() throws {
        #expect(try parsed("bóng -\"bóng đá\" -chuyền") == "[bóng -\"bóng đá\" -chuyền]")
        #expect(try parsed("ngh* Việt") == "[ngh* việt]")
        #expect(try parsed("title:Hà title:\"Hà Nội\" nội") == "[title:hà title:\"hà nội\" nội]")
        #expect(try parsed("title:(a OR b) c") == "[[(title:a|title:b)] c]")
        #expect(try parsed("a (b -c)") == "[a [b -c]]")
        #expect(try parsed("a !!! b") == "[a b]")
        let query = try Query.parse("Đảng dang", fold: true)
        #expect(query.fold)
        #expect(query.termCount == 2)
        #expect(try parsed("+a b +\"c d\"") == "[a b \"c d\"]")
        #expect(try parsed("1 + 2") == "[1 2]")
    }

    @Test("top-level clauses record '+', their words and where they start")
    func clauses() throws {
        let query = try Query.parse("kinh tế +\"thị trường\" -cũ (a OR b) COVID-19")
        #expect(query.clauses.map(\.mandatory) == [false, false, true, false, false])
        #expect(query.clauses.map(\.words) == [1, 1, 2, 2, 2])
        #expect(query.clauses.map(\.firstWord) == [0, 1, 2, 5, 7])
        #expect(query.clauseWords == 8)
    }

    @Test("every malformed query gets its error code")
    func errors() {
        #expect(code("") == .empty)
        #expect(code("   ") == .empty)
        #expect(code("!!! ...") == .empty)
        #expect(code("()") == .empty)
        #expect(code("\"bóng đá") == .unbalancedQuote)
        #expect(code("a \"b\" \"c") == .unbalancedQuote)
        #expect(code("(a b") == .unbalancedParenthesis)
        #expect(code("a b)") == .unbalancedParenthesis)
        #expect(code("-a -b") == .onlyExclusions)
        #expect(code("a (-b)") == .onlyExclusions)
        // No word cap: 300 words parse (the work budget bounds them, not a count).
        #expect(code((1...300).map { "w\($0)" }.joined(separator: " ")) == nil)
        #expect(code("\"" + (1...300).map { "w\($0)" }.joined(separator: " ") + "\"") == nil)
        #expect(code("a*") == .prefixTooShort)
        #expect(code("đ*") == .prefixTooShort)
        #expect(code("*") == .prefixTooShort)
        #expect(code("covid-1*") == .invalidPrefix)
        #expect(code("OR a") == .danglingOperator)
        #expect(code("a OR") == .danglingOperator)
        #expect(code("a OR OR b") == .danglingOperator)
        #expect(code("a OR -b") == .danglingOperator)
        #expect(code("a OR !!!") == .danglingOperator)
        #expect(code("a title:") == .danglingOperator)
        // A lone '-' is punctuation, like a lone '+' (a headline pasted as a query).
        #expect(code("Hà Nội - Hải Phòng") == nil)
        #expect(code("a -") == nil)
        #expect(code("(a - ) b") == nil)
        #expect(code("-") == .empty)
        #expect(code("- -x") == .onlyExclusions)
        #expect(code("a \"\"") == .emptyPhrase)
        #expect(code("a \" ,. \"") == .emptyPhrase)
    }

    @Test("errors describe themselves with code, offset and message")
    func describes() {
        do {
            _ = try Query.parse("a \"b")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 2)
            #expect(error.description.contains("unbalancedQuote"))
        }
    }

    @Test("a word or phrase repeated in one sequence is one clause; groups and + keep theirs")
    func repeats() throws {
        let query = try Query.parse((0..<2_000).map { _ in "xe" }.joined(separator: " ") + " máy \"xe máy\" \"xe máy\" -đạp")
        #expect(query.clauses.count == 3)
        guard case .and(let required, let excluded) = query.root else { Issue.record("not an and"); return }
        #expect(required.count == 3)
        #expect(excluded.count == 1)
        #expect(query.clauses.map(\.firstWord) == [0, 2_000, 2_001])
        #expect(try Query.parse("xe +xe").clauses.count == 2)
        #expect(try Query.parse("xe title:xe").clauses.count == 2)
        #expect(try Query.parse("(xe) (xe)").clauses.count == 2)
        #expect(try Query.parse("(xe xe xe)").clauses.count == 1)
        #expect(try Query.parse("xe xe*").clauses.count == 2)
        // OR operands too: `th* OR th* …` is one prefix.
        let ors = try Query.parse((0..<200).map { _ in "th*" }.joined(separator: " OR ") + " OR xe OR xe")
        guard case .and(let top, _) = ors.root, case .or(let operands) = top[0] else { Issue.record("not an OR"); return }
        #expect(operands.count == 2)
        #expect(try parsed("a OR a") == "[a]")
    }
}
