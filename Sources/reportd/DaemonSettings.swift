// DaemonSettings: the daemon's effective settings, resolved from built-in defaults, then
// the config file, then command-line flags (a flag always wins). Resolution is pure and
// repeatable, so a reload re-runs it against the same flags and a fresh read of the file.
// Immutable once resolved; Sendable.
import Logging
import ReportDurability
import ReportStore
import ReportServer
import ServiceSupport

/// Everything reportd needs to start, after defaults, config file and flags are merged.
struct DaemonSettings: Sendable, Equatable {
    var socket = DaemonDefaults.socketPath
    var socketMode: UInt32 = 0o660
    var socketGroup: String?
    var imports: [String] = []
    var logLevel: Logger.Level = .info
    var maxReportBytes = 8 << 20
    var maxConnections = 1024
    var maxFrameBytes: UInt32 = 16 << 20
    var idleTimeoutSeconds: Double? = 300
    var maxQueuedResponses = 1024
    var maxQueuedBytes = 64 << 20
    var maxQueuedBytesTotal = 256 << 20
    var reservedConnections = 8
    var writeUsers: [String] = []
    var writeGroups: [String] = []
    var threads: Int?
    /// Where writes are persisted (snapshot + log); nil keeps writes in memory only.
    var dataDirectory: String?
    var appendfsync: FsyncPolicy = .always
    /// Snapshot automatically once the log exceeds this share of the snapshot (0: never).
    var autoSnapshotShare = 1.0
    /// Build and keep the full-text index (off: GET/MGET only, less memory; SEARCH finds nothing).
    var searchIndex = true

    /// The largest `max-frame-bytes`: a frame's body length (and HELLO's maxFrameBytes) is a u32
    /// (PROTOCOL.md §3, §7).
    static let largestFrameBytes = Int(UInt32.max)
    /// The largest `max-report-bytes`: a PUT of it must fit in the largest frame (StartupChecks).
    static let largestReportBytes = largestFrameBytes - StartupChecks.putOverheadBytes
    /// The longest `idle-timeout` (a year), well inside what the event loop's timers hold; `0` is
    /// the way to say never.
    static let longestIdleTimeoutHours = 8760

    /// The keys reportd.conf may contain (each is also a flag of the same name).
    static let configKeys = ConfigFile.reportdKeys

    /// Applies the entries of a config file, in order.
    /// - Throws: `ServiceSupportError` naming file:line for a bad value.
    mutating func apply(_ entries: [ConfigEntry]) throws {
        for entry in entries {
            switch entry.key {
            case "socket": socket = try entry.absolutePathValue()
            case "socket-mode": socketMode = try entry.fileModeValue()
            case "socket-group": socketGroup = entry.value
            case "import": imports.append(entry.value)
            case "log-level":
                guard let level = Logger.Level(rawValue: entry.value) else {
                    throw ServiceSupportError(
                        .configInvalidValue,
                        "log-level must be trace, debug, info, notice, warning, error or critical",
                        path: entry.path, line: entry.lineNumber)
                }
                logLevel = level
            case "max-report-bytes":
                maxReportBytes = try entry.sizeValue(
                    in: 1...Self.largestReportBytes, why: "so a PUT of it fits in the largest max-frame-bytes, \(Self.largestFrameBytes)")
            case "max-connections": maxConnections = try entry.integerValue(in: 1...1_000_000)
            case "max-frame-bytes":
                maxFrameBytes = UInt32(
                    try entry.sizeValue(in: 64...Self.largestFrameBytes, why: "4 GiB - 1: a frame's body length is a u32"))
            case "idle-timeout":
                let seconds = try entry.durationValue(
                    atMost: .seconds(Self.longestIdleTimeoutHours * 3600), shown: "\(Self.longestIdleTimeoutHours)h",
                    why: "0 turns the timeout off").secondsValue
                idleTimeoutSeconds = seconds > 0 ? seconds : nil
            case "max-queued-responses": maxQueuedResponses = try entry.integerValue(in: 1...1_000_000)
            case "max-queued-bytes": maxQueuedBytes = try entry.sizeValue(atLeast: 1)
            case "max-queued-bytes-total": maxQueuedBytesTotal = try entry.sizeValue(atLeast: 1)
            case "reserved-connections": reservedConnections = try entry.integerValue(in: 0...1_000_000)
            case "write-users": writeUsers += try entry.listValue()
            case "write-groups": writeGroups += try entry.listValue()
            case "threads": threads = try entry.integerValue(in: 1...1024)
            case "search-index": searchIndex = try entry.boolValue()
            case "data-dir": dataDirectory = try entry.absolutePathValue()
            case "appendfsync":
                guard let policy = FsyncPolicy(rawValue: entry.value) else {
                    throw ServiceSupportError(
                        .configInvalidValue, "appendfsync must be always, everysec or no", path: entry.path, line: entry.lineNumber)
                }
                appendfsync = policy
            case "auto-snapshot-share":
                guard let share = Double(entry.value), share >= 0, share.isFinite else {
                    throw ServiceSupportError(
                        .configInvalidValue, "auto-snapshot-share must be a number >= 0 (0 turns automatic snapshots off)",
                        path: entry.path, line: entry.lineNumber)
                }
                autoSnapshotShare = share
            default: break  // ConfigFile.parse already refused unknown keys.
            }
        }
    }

    /// Reads and applies `path`.
    mutating func load(configFile path: String) throws {
        try apply(ConfigFile.load(path: path, knownKeys: Self.configKeys))
    }

    /// How imports are read, compressed and indexed.
    var importOptions: ImportOptions {
        var options = ImportOptions()
        options.maxReportBytes = maxReportBytes
        options.buildsSearchIndex = searchIndex
        return options
    }

    /// The listening side's configuration for `listener`.
    func serverConfiguration(listener: ServerConfiguration.Listener) -> ServerConfiguration {
        var configuration = ServerConfiguration(listener: listener)
        configuration.socketMode = socketMode
        configuration.socketGroup = socketGroup
        configuration.maxConnections = maxConnections
        configuration.maxFrameBytes = maxFrameBytes
        configuration.idleTimeoutSeconds = idleTimeoutSeconds
        configuration.maxQueuedResponses = maxQueuedResponses
        configuration.maxQueuedBytes = maxQueuedBytes
        configuration.maxQueuedBytesTotal = maxQueuedBytesTotal
        configuration.reservedConnections = reservedConnections
        configuration.maxReportBytes = maxReportBytes
        return configuration
    }

    /// Who may run PUT, DEL, SNAPSHOT, RELOAD and SHUTDOWN: root, the daemon's own user, and
    /// the configured users and groups.
    func accessPolicy() throws -> AccessPolicy {
        try AccessPolicy.resolving(writeUsers: writeUsers, writeGroups: writeGroups)
    }

    /// The settings as `key = value` lines, for `--check-config`.
    var description: String {
        var lines = [
            "socket = \(socket)",
            "socket-mode = 0\(String(socketMode, radix: 8))",
            "socket-group = \(socketGroup ?? "(default)")",
        ]
        lines += imports.map { "import = \($0)" }
        lines += [
            "log-level = \(logLevel)",
            "max-report-bytes = \(maxReportBytes)",
            "max-connections = \(maxConnections)",
            "max-frame-bytes = \(maxFrameBytes)",
            "idle-timeout = \(idleTimeoutSeconds.map(Self.durationText) ?? "0")",
            "max-queued-responses = \(maxQueuedResponses)",
            "max-queued-bytes = \(maxQueuedBytes)",
            "max-queued-bytes-total = \(maxQueuedBytesTotal)",
            "reserved-connections = \(reservedConnections)",
            "write-users = \(writeUsers.joined(separator: ","))",
            "write-groups = \(writeGroups.joined(separator: ","))",
            "threads = \(threads.map(String.init) ?? "(one per core)")",
            "data-dir = \(dataDirectory ?? "(none: writes are kept in memory only)")",
            "appendfsync = \(appendfsync.rawValue)",
            "auto-snapshot-share = \(autoSnapshotShare)",
            "search-index = \(searchIndex ? "on" : "off")",
        ]
        return lines.joined(separator: "\n")
    }

    /// A duration as the config file and the flags spell it: `5m`, `30s`, `500ms`.
    static func durationText(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1000)] where milliseconds % size == 0 {
            return "\(milliseconds / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }
}

extension Duration {
    /// The duration in seconds.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
