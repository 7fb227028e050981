// ImportSource: where reports come from at load time. Immutable value.

/// One input of `ReportStore.load`.
public enum ImportSource: Sendable {
    /// A `.txt` file (one report, ID = file name without extension), a `.jsonl`/`.ndjson`
    /// file, a directory read recursively for those, or "-" for JSON Lines on stdin.
    case path(String)
    /// JSON Lines already in memory; `name` stands for the path in issues.
    case jsonLines(data: [UInt8], name: String)
}
