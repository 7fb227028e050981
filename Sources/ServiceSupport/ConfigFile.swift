// ConfigFile: the strict `key = value` format of /etc/reportd/reportd.conf.
//
// The format is small enough that a library would cost more than it saves (no TOML/YAML
// dependency; redis.conf and sshd_config are read the same way by hand):
//
//   # a comment                      '#' starts a comment at the start of a line, or after a
//   socket = /run/reportd/r.sock     value when preceded by blanks; blank lines are ignored
//   import = /srv/reportd/a          keys in `repeatable` may appear on several lines
//   import = "/srv/reportd/with space"   double quotes allow blanks, '#', and \" \\ escapes
//
// Strict means: a key must be known; a single-valued key may appear once; an unquoted value is
// one token (no blanks, no quotes); nothing but a comment may follow a value; control
// characters and invalid UTF-8 are rejected. Every error names `path:line`. Trailing CR (CRLF
// files) is tolerated. Parsing is a pure function of its input: safe to call concurrently.
import Glibc

/// Parser for reportd's configuration file format.
public enum ConfigFile {
    /// The keys reportd understands; `parse` rejects any other.
    public static let reportdKeys: Set<String> = [
        "socket", "socket-mode", "socket-group", "import", "log-level", "max-report-bytes", "max-connections",
        "max-frame-bytes", "idle-timeout", "max-queued-responses", "max-queued-bytes", "max-queued-bytes-total", "reserved-connections", "write-users", "write-groups", "threads",
        "data-dir", "appendfsync", "auto-snapshot-share", "search-index",
    ]

    /// The keys that may be given on several lines (their values accumulate in order).
    public static let reportdRepeatableKeys: Set<String> = ["import", "write-users", "write-groups"]

    /// Largest file `load` reads; a configuration file is a few KiB.
    public static let maximumFileBytes = 1 << 20

    /// Parses configuration text into entries, in file order.
    ///
    /// - Parameters:
    ///   - contents: the file text.
    ///   - path: the name to put in error messages and entries.
    ///   - knownKeys: the accepted keys.
    ///   - repeatableKeys: the keys allowed more than once.
    /// - Throws: `ServiceSupportError` (`.configSyntax`, `.configUnknownKey`, `.configDuplicateKey`)
    ///   whose description starts with `path:line:`.
    public static func parse(
        contents: String, path: String,
        knownKeys: Set<String> = reportdKeys, repeatableKeys: Set<String> = reportdRepeatableKeys
    ) throws -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        var firstLine: [String: Int] = [:]
        var lineNumber = 0
        // "\r\n" is a single Character in Swift, so it must be named as a separator itself.
        for line in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            guard let (key, value) = try parseLine(line, path: path, line: lineNumber) else { continue }
            guard knownKeys.contains(key) else {
                throw ServiceSupportError(
                    .configUnknownKey, "unknown key \(key.debugDescription)\(suggestion(for: key, in: knownKeys))",
                    path: path, line: lineNumber)
            }
            if let previous = firstLine[key], !repeatableKeys.contains(key) {
                throw ServiceSupportError(
                    .configDuplicateKey, "\(key) is already set on line \(previous); it may appear only once",
                    path: path, line: lineNumber)
            }
            firstLine[key] = firstLine[key] ?? lineNumber
            entries.append(ConfigEntry(key: key, value: value, line: lineNumber, path: path))
        }
        return entries
    }

    /// Reads and parses a file.
    /// - Throws: `ServiceSupportError` `.fileUnreadable` (missing, unreadable, too large, not
    ///   UTF-8 — the last with the line number) or any error of `parse`.
    public static func load(
        path: String, knownKeys: Set<String> = reportdKeys, repeatableKeys: Set<String> = reportdRepeatableKeys
    ) throws -> [ConfigEntry] {
        let bytes = try readFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Name the first bad line: count newlines before the first byte that fails to decode.
            var line = 1
            for chunk in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                if String(validating: chunk, as: UTF8.self) == nil { break }
                line += 1
            }
            throw ServiceSupportError(.fileUnreadable, "not valid UTF-8", path: path, line: line)
        }
        return try parse(contents: text, path: path, knownKeys: knownKeys, repeatableKeys: repeatableKeys)
    }

    /// Parses one line: nil for blank/comment lines, else (key, unquoted value).
    private static func parseLine(_ line: Substring, path: String, line number: Int) throws -> (String, String)? {
        func fail(_ message: String) -> ServiceSupportError {
            ServiceSupportError(.configSyntax, message, path: path, line: number)
        }
        if line.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            throw fail("control character in line")
        }
        let trimmed = line.drop(while: isBlank)
        if trimmed.isEmpty || trimmed.first == "#" { return nil }

        let key = trimmed.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard !key.isEmpty else { throw fail("expected `key = value`") }
        var rest = trimmed.dropFirst(key.count).drop(while: isBlank)
        guard rest.first == "=" else {
            throw fail("expected `=` after \(String(key).debugDescription)")
        }
        guard key == key.lowercased(), key.first!.isLetter else {
            throw fail("key \(String(key).debugDescription) must be lowercase and start with a letter")
        }
        rest = rest.dropFirst().drop(while: isBlank)

        let value: String
        if rest.first == "\"" {
            (value, rest) = try parseQuoted(rest.dropFirst(), fail: fail)
        } else {
            let token = rest.prefix { !isBlank($0) && $0 != "#" }
            guard !token.isEmpty else { throw fail("missing value for \(String(key).debugDescription)") }
            guard !token.contains("\"") else { throw fail("a quote may only open a value") }
            value = String(token)
            rest = rest.dropFirst(token.count)
            if rest.first == "#" { throw fail("'#' inside a value: put the value in double quotes") }
        }
        // Only blanks and an optional comment may follow the value.
        let tail = rest.drop(while: isBlank)
        if !tail.isEmpty {
            guard tail.first == "#", tail.startIndex != rest.startIndex else {
                throw fail("unexpected text after the value; quote values that contain blanks")
            }
        }
        return (String(key), value)
    }

    /// Reads a double-quoted value after its opening quote; returns it and what follows.
    private static func parseQuoted(
        _ text: Substring, fail: (String) -> ServiceSupportError
    ) throws -> (String, Substring) {
        var value = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" {
                return (value, text[text.index(after: index)...])
            }
            if character == "\\" {
                let next = text.index(after: index)
                guard next < text.endIndex, text[next] == "\"" || text[next] == "\\" else {
                    throw fail("unknown escape in quoted value; only \\\" and \\\\ are allowed")
                }
                value.append(text[next])
                index = text.index(after: next)
                continue
            }
            value.append(character)
            index = text.index(after: index)
        }
        throw fail("unterminated quoted value")
    }

    /// Reads a whole file with open/read, bounded by `maximumFileBytes`.
    private static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ServiceSupportError(.fileUnreadable, "cannot open", path: path, errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ServiceSupportError(.fileUnreadable, "read failed", path: path, errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumFileBytes else {
                throw ServiceSupportError(
                    .fileUnreadable, "larger than \(maximumFileBytes) bytes; not a configuration file", path: path)
            }
        }
    }

    /// A "did you mean" hint for a key within two edits of a known one (or spelled with `_`), or "".
    private static func suggestion(for key: String, in knownKeys: Set<String>) -> String {
        let close = knownKeys.sorted().first {
            EditDistance.levenshtein($0, key) <= 2 || $0 == key.replacingUnderscores
        }
        return close.map { "; did you mean \($0.debugDescription)?" } ?? ""
    }

    private static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }
}

extension String {
    /// The string with `_` read as `-` (for the `max_connections` → `max-connections` hint).
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
