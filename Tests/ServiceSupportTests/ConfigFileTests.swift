// Tests for ConfigFile: every syntax rule, and every error naming file:line.
import Foundation
import Testing

@testable import ServiceSupport

@Suite("ConfigFile")
struct ConfigFileTests {
    func parse(_ text: String) throws -> [ConfigEntry] {
        try ConfigFile.parse(contents: text, path: "/etc/reportd/reportd.conf")
    }

    func pairs(_ text: String) throws -> [String] {
        try parse(text).map { "\($0.key)|\($0.value)|\($0.line)" }
    }

    @Test("comments, blank lines, blanks around = and trailing comments are accepted")
    func basicSyntax() throws {
        let text = """
            # reportd test configuration
            \t
            socket = /run/reportd/reportd.sock
              log-level=debug   # indented, no blanks around '='
            \tmax-connections\t=\t64\t
            threads = 2 #comment right after a blank
            """
        #expect(
            try pairs(text) == [
                "socket|/run/reportd/reportd.sock|3", "log-level|debug|4", "max-connections|64|5", "threads|2|6",
            ])
        #expect(try parse(text).allSatisfy { $0.path == "/etc/reportd/reportd.conf" })
    }

    @Test("repeatable keys keep every value in order")
    func repeatedKeys() throws {
        let text = "import = /srv/a\nimport = /srv/b\nwrite-users = alice\nwrite-users = bob\n"
        #expect(try pairs(text) == ["import|/srv/a|1", "import|/srv/b|2", "write-users|alice|3", "write-users|bob|4"])
    }

    @Test("double quotes allow blanks, '#', escapes and the empty string")
    func quotedValues() throws {
        let text = #"""
            import = "/srv/reportd/archive 2024"
            import = "/srv/#hash" # comment after quotes
            socket-group = ""
            socket = "/var/lib/a \"q\" \\ b"
            """#
        #expect(
            try parse(text).map(\.value) == ["/srv/reportd/archive 2024", "/srv/#hash", "", #"/var/lib/a "q" \ b"#])
    }

    @Test("values may be any UTF-8 text, such as a Vietnamese directory name")
    func unicodeValues() throws {
        let entries = try parse("import = \"/srv/báo cáo/tháng 1\"\nimport = /srv/tin-tức")
        #expect(entries.map(\.value) == ["/srv/báo cáo/tháng 1", "/srv/tin-tức"])
    }

    @Test("CRLF line endings and a missing final newline are tolerated")
    func lineEndings() throws {
        #expect(try pairs("socket = /a\r\nthreads = 1") == ["socket|/a|1", "threads|1|2"])
        #expect(try parse("").isEmpty)
    }

    @Test(
        "syntax errors name file:line",
        arguments: [
            ("socket /run/x", 1, "expected `=`"),
            ("\n= value", 2, "expected `key = value`"),
            ("socket =", 1, "missing value"),
            ("socket = # only a comment", 1, "missing value"),
            ("socket = /run/a b", 1, "unexpected text after the value"),
            ("socket = /run/a#b", 1, "'#' inside a value"),
            ("socket = \"/run/a", 1, "unterminated quoted value"),
            ("socket = \"/run/a\" extra", 1, "unexpected text after the value"),
            ("socket = \"/run/a\"# no blank", 1, "unexpected text after the value"),
            ("socket = /run/\"a\"", 1, "a quote may only open a value"),
            (#"socket = "a\nb""#, 1, "unknown escape"),
            ("Socket = /a", 1, "must be lowercase"),
            ("-socket = /a", 1, "must be lowercase and start with a letter"),
            ("socket = /a\r", 1, "control character"),
            ("# ok\n\nsocket = /a\u{1}", 3, "control character"),
        ])
    func syntaxErrors(_ text: String, line: Int, message: String) throws {
        let error = try #require(throws: ServiceSupportError.self) { try parse(text) }
        #expect(error.code == .configSyntax)
        #expect(error.line == line)
        #expect(error.description.hasPrefix("/etc/reportd/reportd.conf:\(line): "), "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("an unknown key is an error with a suggestion for near misses")
    func unknownKey() throws {
        let typo = try #require(throws: ServiceSupportError.self) { try parse("# c\nmax_connections = 5") }
        #expect(typo.code == .configUnknownKey)
        #expect(
            typo.description
                == #"/etc/reportd/reportd.conf:2: unknown key "max_connections"; did you mean "max-connections"?"#)
        let misspelt = try #require(throws: ServiceSupportError.self) { try parse("sockt-mode = 0660") }
        #expect(misspelt.description.hasSuffix(#"did you mean "socket-mode"?"#), "\(misspelt)")
        let unrelated = try #require(throws: ServiceSupportError.self) { try parse("colour = blue") }
        #expect(unrelated.description == #"/etc/reportd/reportd.conf:1: unknown key "colour""#)
    }

    @Test("a single-valued key given twice is an error naming both lines")
    func duplicateKey() throws {
        let error = try #require(throws: ServiceSupportError.self) {
            try parse("socket = /a\n\nsocket = /b")
        }
        #expect(error.code == .configDuplicateKey)
        #expect(
            error.description == "/etc/reportd/reportd.conf:3: socket is already set on line 1; it may appear only once"
        )
    }

    @Test("custom key sets replace the reportd defaults")
    func customKeys() throws {
        let entries = try ConfigFile.parse(contents: "a = 1\na = 2", path: "x", knownKeys: ["a"], repeatableKeys: ["a"])
        #expect(entries.map(\.value) == ["1", "2"])
        #expect(throws: ServiceSupportError.self) {
            try ConfigFile.parse(contents: "socket = /a", path: "x", knownKeys: ["a"])
        }
    }

    @Test("the shipped scripts/reportd.conf parses and every typed value is valid")
    func shippedExample() throws {
        let entries = try ConfigFile.load(path: repositoryRoot() + "/scripts/reportd.conf")
        #expect(Set(entries.map(\.key)).isSubset(of: ConfigFile.reportdKeys))
        for entry in entries {
            switch entry.key {
            case "socket": _ = try entry.absolutePathValue()
            case "socket-mode": #expect(try entry.fileModeValue() == 0o660)
            case "max-frame-bytes": #expect(try entry.sizeValue() == 16 << 20)
            case "idle-timeout": #expect(try entry.durationValue() == .seconds(300))
            case "max-report-bytes": #expect(try entry.sizeValue() == 8 << 20)
            case "max-connections", "max-queued-responses": _ = try entry.integerValue(in: 1...1_000_000)
            default: break
            }
        }
        // Every documented key appears in the example, active or commented out.
        let text = try String(contentsOfFile: repositoryRoot() + "/scripts/reportd.conf", encoding: .utf8)
        for key in ConfigFile.reportdKeys {
            #expect(text.contains("\n\(key) =") || text.contains("\n# \(key) ="), "\(key) is not documented")
        }
    }

    @Test("load reports a missing file and invalid UTF-8 with its line")
    func loadErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let missing = try #require(throws: ServiceSupportError.self) {
            try ConfigFile.load(path: directory + "/absent")
        }
        #expect(missing.code == .fileUnreadable)
        #expect(missing.errno == ENOENT)

        let path = directory + "/bad.conf"
        let bytes = Array("socket = /a\nlog-level = ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let invalid = try #require(throws: ServiceSupportError.self) { try ConfigFile.load(path: path) }
        #expect(invalid.code == .fileUnreadable)
        #expect(invalid.description.hasPrefix("\(path):2: not valid UTF-8"))
    }
}
