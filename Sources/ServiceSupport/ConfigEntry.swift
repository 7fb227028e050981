// ConfigEntry: one `key = value` line of a configuration file, with where it came from.
//
// The value is already unquoted. The typed accessors parse it with `ConfigValue` and throw
// errors that name `path:line` and the key, so the caller never has to. Immutable: Sendable.

/// A parsed `key = value` line.
public struct ConfigEntry: Sendable, Equatable {
    /// The key, lowercase (`max-frame-bytes`).
    public let key: String
    /// The value, with surrounding quotes removed and escapes resolved.
    public let value: String
    /// The 1-based line number in `path`.
    public let line: Int
    /// The file the entry came from (or the name given to `ConfigFile.parse`).
    public let path: String

    /// Creates an entry.
    public init(key: String, value: String, line: Int, path: String) {
        self.key = key
        self.value = value
        self.line = line
        self.path = path
    }

    /// An entry given on the command line as `--key value`: errors then name the flag.
    public static func flag(_ key: String, _ value: String) -> ConfigEntry {
        ConfigEntry(key: key, value: value, line: 0, path: "--" + key)
    }

    /// The line for messages; nil for a command-line flag.
    public var lineNumber: Int? { line > 0 ? line : nil }

    /// The value as a byte count (`16MiB`, `64k`, `4096`).
    public func sizeValue() throws -> Int {
        try typed(ConfigValue.size(value), expected: "a size such as 4096, 64k, 16MiB or 1GiB")
    }

    /// The value as a byte count of at least `minimum`.
    public func sizeValue(atLeast minimum: Int) throws -> Int {
        try sizeValue(in: minimum...Int.max)
    }

    /// The value as a byte count within `range`. A value above it (or above any `Int`) is
    /// refused as too large, naming the maximum and `why` it is the maximum.
    public func sizeValue(in range: ClosedRange<Int>, why: String? = nil) throws -> Int {
        let parsed = ConfigValue.size(value)
        if let parsed, range.contains(parsed) { return parsed }
        if parsed.map({ $0 > range.upperBound }) ?? ConfigValue.sizeOverflows(value) {
            throw invalid("too large: at most \(range.upperBound) bytes\(why.map { " (\($0))" } ?? "")")
        }
        return try typed(nil, expected: "a size of at least \(range.lowerBound) bytes, such as 4096, 64k or 16M")
    }

    /// The value as a duration (`500ms`, `30s`, `5m`, `1h`, or `0`).
    public func durationValue() throws -> Duration {
        try typed(ConfigValue.duration(value), expected: "a duration such as 500ms, 30s, 5m or 1h")
    }

    /// The value as a duration of at most `maximum`, which messages spell `shown` (`8760h`);
    /// `why` says what to use instead of a longer one.
    public func durationValue(atMost maximum: Duration, shown: String, why: String? = nil) throws -> Duration {
        let duration = ConfigValue.duration(value)
        if duration.map({ $0 > maximum }) ?? ConfigValue.durationOverflows(value) {
            throw invalid("too long: at most \(shown)\(why.map { " (\($0))" } ?? "")")
        }
        return try durationValue()
    }

    /// The value as octal permission bits (`0660`).
    public func fileModeValue() throws -> UInt32 {
        try typed(ConfigValue.fileMode(value), expected: "an octal mode such as 0660")
    }

    /// The value as a boolean (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`).
    public func boolValue() throws -> Bool {
        try typed(ConfigValue.bool(value), expected: "yes or no")
    }

    /// The value as a decimal integer within `range`.
    public func integerValue(in range: ClosedRange<Int> = 0...Int.max) throws -> Int {
        try typed(
            ConfigValue.integer(value).flatMap { range.contains($0) ? $0 : nil },
            expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
    }

    /// The value as an absolute path.
    public func absolutePathValue() throws -> String {
        try typed(value.hasPrefix("/") ? value : nil, expected: "an absolute path")
    }

    /// The value split on commas, blanks trimmed (`alice,bob`); empty items are errors.
    public func listValue() throws -> [String] {
        try typed(ConfigValue.list(value), expected: "a comma-separated list of names")
    }

    /// Unwraps a parse result or throws an error naming file, line, key and the expectation.
    private func typed<T>(_ parsed: T?, expected: String) throws -> T {
        guard let parsed else { throw invalid("expected \(expected)") }
        return parsed
    }

    /// The error for this entry's value: file, line, key, value and `reason`.
    private func invalid(_ reason: String) -> ServiceSupportError {
        ServiceSupportError(.configInvalidValue, "\(key) = \(value.debugDescription): \(reason)", path: path, line: lineNumber)
    }
}
