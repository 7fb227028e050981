// StatsCatalog: what each STATS key (PROTOCOL.md §5.5) means — its section, how to show it to
// a person (count, bytes, duration, yes/no, a policy name) and how to expose it to Prometheus
// (metric name, HELP text, gauge or counter). Keys reportd sends that are not listed here are
// still shown, under "other", and exported as gauges. Stateless.

/// Descriptions of the STATS keys.
enum StatsCatalog {
    enum Kind {
        case count, bytes, seconds, milliseconds, flag
        /// Values named in order of their number (`appendfsync`: 0 no, 1 everysec, 2 always).
        case names([String])
    }

    struct Metric {
        let key: String
        let section: String
        let kind: Kind
        let help: String
        /// A counter only ever grows (Prometheus appends _total to its name).
        var counter = false
    }

    static let sections = ["corpus", "search index", "process", "connections", "limits", "persistence", "other"]

    static let metrics: [Metric] = [
        Metric(key: "reports", section: "corpus", kind: .count, help: "Reports served."),
        Metric(key: "raw_bytes", section: "corpus", kind: .bytes, help: "Total size of the reports' texts, uncompressed."),
        Metric(key: "compressed_bytes", section: "corpus", kind: .bytes, help: "Size of the reports' texts as stored, compressed."),
        Metric(key: "dictionary_bytes", section: "corpus", kind: .bytes, help: "Size of the preset compression dictionaries."),
        Metric(key: "dictionaries", section: "corpus", kind: .count, help: "Preset compression dictionaries in use."),
        Metric(key: "garbage_bytes", section: "corpus", kind: .bytes, help: "Compressed bytes of replaced or deleted reports not yet reclaimed."),
        Metric(key: "index_bytes", section: "search index", kind: .bytes, help: "Size of the full-text index."),
        Metric(key: "index_terms", section: "search index", kind: .count, help: "Distinct terms in the full-text index."),
        Metric(key: "index_segments", section: "search index", kind: .count, help: "Segments of the full-text index."),
        Metric(key: "index_pending_docs", section: "search index", kind: .count, help: "Written reports not yet merged into the main index segments."),
        Metric(key: "rss_bytes", section: "process", kind: .bytes, help: "Resident memory of reportd."),
        Metric(key: "uptime_seconds", section: "process", kind: .seconds, help: "Seconds since reportd started."),
        Metric(key: "connections_open", section: "connections", kind: .count, help: "Client connections open now."),
        Metric(key: "connections_accepted", section: "connections", kind: .count, help: "Client connections accepted.", counter: true),
        Metric(key: "connections_refused", section: "connections", kind: .count, help: "Client connections refused with BUSY (at the limit, or into the reserved slots).", counter: true),
        Metric(key: "connections_dropped", section: "connections", kind: .count, help: "Client connections closed by reportd (idle, bad framing, holding the most unsent responses past the total limit).", counter: true),
        Metric(key: "requests", section: "connections", kind: .count, help: "Requests answered.", counter: true),
        Metric(key: "request_errors", section: "connections", kind: .count, help: "Requests answered with an error status.", counter: true),
        Metric(key: "limit_max_connections", section: "limits", kind: .count, help: "Most client connections served at once."),
        Metric(key: "limit_reserved_connections", section: "limits", kind: .count, help: "Connection slots only root and the write users may take."),
        Metric(key: "limit_max_frame_bytes", section: "limits", kind: .bytes, help: "Largest request body accepted."),
        Metric(key: "limit_max_batch_items", section: "limits", kind: .count, help: "Most ids in one MGET, and most hits in one SEARCH page."),
        Metric(key: "limit_max_queued_responses", section: "limits", kind: .count, help: "Unsent responses per connection before reportd stops reading it."),
        Metric(key: "limit_max_queued_bytes", section: "limits", kind: .bytes, help: "Bytes of unsent responses per connection before reportd stops reading it."),
        Metric(key: "limit_max_queued_bytes_total", section: "limits", kind: .bytes, help: "Bytes all connections may hold (unsent responses, half-received requests) before reportd closes the unprivileged one holding the most."),
        Metric(key: "queued_bytes", section: "connections", kind: .bytes, help: "Bytes all connections hold now: unsent responses and half-received requests."),
        Metric(key: "limit_idle_timeout_ms", section: "limits", kind: .milliseconds, help: "Idle time after which a connection is closed (0: never)."),
        Metric(key: "persistent", section: "persistence", kind: .flag, help: "1 when writes are persisted in a data directory."),
        Metric(key: "snapshot_generation", section: "persistence", kind: .count, help: "Generation of the latest snapshot."),
        Metric(key: "log_bytes", section: "persistence", kind: .bytes, help: "Bytes of write-ahead log a recovery would replay (every log since the last completed snapshot)."),
        Metric(key: "appendfsync", section: "persistence", kind: .names(["no", "everysec", "always"]), help: "When a logged write is synced before it is acknowledged."),
        Metric(key: "writes_stopped", section: "persistence", kind: .flag, help: "1 while the last log write failed (e.g. a full disk); the next write tries again."),
        Metric(key: "write_failures", section: "persistence", kind: .count, help: "Log writes that failed since start.", counter: true),
    ]

    private static let byKey = Dictionary(uniqueKeysWithValues: metrics.map { ($0.key, $0) })

    /// The description of `key`; an unknown key is a count under "other".
    static func metric(_ key: String) -> Metric {
        byKey[key] ?? Metric(key: key, section: "other", kind: .count, help: "STATS entry \(key) (PROTOCOL.md §5.5).")
    }

    /// The value as a person reads it: `10,000`, `50.4 MiB`, `1h 2m 3s`, `yes`, `always`.
    static func human(_ value: UInt64, _ kind: Kind) -> String {
        switch kind {
        case .count: return grouped(value)
        case .bytes: return humanBytes(value)
        case .seconds: return humanDuration(milliseconds: value.multipliedReportingOverflow(by: 1000).partialValue)
        case .milliseconds: return value == 0 ? "off" : humanDuration(milliseconds: value)
        case .flag: return value == 0 ? "no" : "yes"
        case .names(let names): return value < names.count ? names[Int(value)] : "\(value)"
        }
    }

    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }

    static func humanBytes(_ value: UInt64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard value >= 1024 else { return "\(value) B" }
        var scaled = Double(value)
        var unit = -1
        while scaled >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        let rounded = scaled >= 100 ? String(Int(scaled.rounded())) : String((scaled * 10).rounded() / 10)
        return "\(rounded) \(units[unit])"
    }

    static func humanDuration(milliseconds: UInt64) -> String {
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        var seconds = milliseconds / 1000
        let days = seconds / 86_400
        seconds %= 86_400
        let parts: [(UInt64, String)] = [(days, "d"), (seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")]
        let shown = parts.drop { $0.0 == 0 }.prefix(2).filter { $0.0 > 0 }
        return shown.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}
