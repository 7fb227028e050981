// reportd: parses arguments, resolves settings (defaults < config file < flags), loads the
// corpus, and runs the server under a ServiceGroup that turns SIGTERM/SIGINT into a
// graceful stop. All policy lives in the libraries and in Daemon; this file only wires
// them together and maps failures to exit codes.
import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import Foundation
import ReportDurability
import ReportEngine
import ReportServer
import ReportStore
import ServiceLifecycle
import ServiceSupport

@main
struct ReportDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportd",
        abstract: "Serve a compressed, searchable corpus of text reports over a Unix socket.",
        discussion: """
            reportd loads reports (one .txt file each, or JSON Lines), keeps them in memory \
            compressed with zlib, and answers reportctl and other clients over a Unix-domain \
            socket (see protocol/PROTOCOL.md). It logs to stderr, stops cleanly on SIGTERM or \
            SIGINT (removing the socket it created), and re-reads its configuration and import \
            directories on SIGHUP. Settings come from built-in defaults, then --config FILE, \
            then flags; every config key is also a flag of the same name.

            Under systemd (see scripts/reportd.service) it serves the socket it is handed \
            (LISTEN_FDS), reports READY=1/STATUS=/RELOADING=1/STOPPING=1 and pings the watchdog.

            Examples:
              reportd --socket /tmp/r.sock --import ./reports
              reportd --socket /tmp/r.sock --import a/ --import b.jsonl --log-level debug
              generate-reports | reportd --socket /tmp/r.sock --import -
              reportd --config /etc/reportd/reportd.conf --check-config
              reportd --socket /tmp/r.sock --data-dir /var/lib/reportd    # writes survive restarts
              reportd --data-dir /var/lib/reportd --repair                # after a damage report

            With --data-dir, every PUT and DEL is logged before it is acknowledged and the corpus \
            is snapshotted now and then; a restart loads the snapshot and replays the log. \
            The data directory is the source of truth: --import and reload then apply only the \
            source reports that are new or changed since they were last imported, so PUTs and \
            DELs are never reverted.

            Exit status: 0 after a clean stop; 64 usage error; 65 the data directory is damaged, \
            locked by another reportd or of a newer format (the message names the way out); 69 the \
            socket cannot be served (in use by a live daemon, not a socket, no permission); 78 \
            configuration error.
            """
    )

    @Option(help: ArgumentHelp("Config file (key = value lines; see scripts/reportd.conf).", valueName: "file"))
    var config: String?

    @Flag(help: "Check the configuration, print the effective settings, and exit.")
    var checkConfig = false

    @Option(help: ArgumentHelp("Unix socket to listen on (default \(DaemonDefaults.socketPath)).", valueName: "path"))
    var socket: String?

    @Option(
        name: .customLong("import"),
        help: ArgumentHelp(
            "Load reports from a .txt file, a directory (read recursively: *.txt, *.jsonl), a .jsonl file, or - for JSON Lines on stdin. Repeatable; adds to the config file's.",
            valueName: "path"
        )
    )
    var imports: [String] = []

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level"))
    var logLevel: Logger.Level?

    @Option(help: ArgumentHelp("File mode of the socket reportd creates, octal (default 0660).", valueName: "mode"))
    var socketMode: String?

    @Option(help: ArgumentHelp("Group that owns the socket reportd creates (name or number).", valueName: "group"))
    var socketGroup: String?

    @Option(help: ArgumentHelp("Largest report accepted, in bytes (default 8 MiB).", valueName: "bytes"))
    var maxReportBytes: Int?

    @Option(help: ArgumentHelp("Most connections served at once (default 1024).", valueName: "n"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp("Largest request frame body, in bytes (default 16 MiB).", valueName: "bytes"))
    var maxFrameBytes: UInt32?

    @Option(help: ArgumentHelp("Close a connection idle this many seconds; 0 never (default 300).", valueName: "seconds"))
    var idleTimeout: Double?

    @Option(help: ArgumentHelp("Unsent responses per connection before reportd stops reading from it (default 1024).", valueName: "n"))
    var maxQueuedResponses: Int?

    @Option(help: ArgumentHelp("Bytes of unsent answers per connection before reportd stops reading from it (default 64 MiB).", valueName: "bytes"))
    var maxQueuedBytes: Int?

    @Option(help: ArgumentHelp("Connection slots kept for root and the write users when others hold the rest (default 8).", valueName: "n"))
    var reservedConnections: Int?

    @Option(help: ArgumentHelp("User allowed to write and administer (repeatable; root and reportd's own user always are).", valueName: "user"))
    var writeUser: [String] = []

    @Option(help: ArgumentHelp("Primary group allowed to write and administer (repeatable).", valueName: "group"))
    var writeGroup: [String] = []

    @Option(help: ArgumentHelp("Event-loop threads (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Persist writes here: a snapshot plus an append-only log (docs/DURABILITY.md). Without it, PUT/DEL are kept in memory only.", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("When a logged write is on disk before it is acknowledged: always (default; group commit), everysec, or no.", valueName: "policy"))
    var appendfsync: FsyncPolicy?

    @Option(help: ArgumentHelp("Snapshot automatically once the log exceeds this share of the snapshot's size (default 1.0; 0 never).", valueName: "share"))
    var autoSnapshotShare: Double?

    @Flag(inversion: .prefixedNo, help: "Build the full-text index (--no-search-index: GET/MGET only, less memory; SEARCH then finds nothing).")
    var searchIndex: Bool?

    @Flag(help: "Repair a damaged data directory before starting: keep every valid record, move damaged files aside (never deletes).")
    var repair = false

    mutating func validate() throws {
        if let socketMode, UInt32(socketMode, radix: 8) == nil {
            throw ValidationError("--socket-mode must be an octal mode such as 0660, not '\(socketMode)'")
        }
        for (name, value) in [("--max-connections", maxConnections), ("--max-queued-responses", maxQueuedResponses),
                              ("--max-report-bytes", maxReportBytes), ("--threads", threads), ("--max-queued-bytes", maxQueuedBytes)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        if let reservedConnections, reservedConnections < 0 { throw ValidationError("--reserved-connections cannot be negative") }
        if let maxFrameBytes, maxFrameBytes < 64 { throw ValidationError("--max-frame-bytes must be at least 64") }
        if let idleTimeout, idleTimeout < 0 { throw ValidationError("--idle-timeout cannot be negative") }
        if let autoSnapshotShare, !(autoSnapshotShare >= 0 && autoSnapshotShare.isFinite) {
            throw ValidationError("--auto-snapshot-share must be a number >= 0")
        }
        if repair && dataDir == nil && config == nil { throw ValidationError("--repair needs --data-dir") }
    }

    /// Defaults, then the config file, then flags.
    func resolveSettings() throws -> DaemonSettings {
        var settings = DaemonSettings()
        if let config { try settings.load(configFile: config) }
        if let socket { settings.socket = socket }
        settings.imports += imports
        if let logLevel { settings.logLevel = logLevel }
        if let socketMode { settings.socketMode = UInt32(socketMode, radix: 8)! }
        if let socketGroup { settings.socketGroup = socketGroup }
        if let maxReportBytes { settings.maxReportBytes = maxReportBytes }
        if let maxConnections { settings.maxConnections = maxConnections }
        if let maxFrameBytes { settings.maxFrameBytes = maxFrameBytes }
        if let idleTimeout { settings.idleTimeoutSeconds = idleTimeout > 0 ? idleTimeout : nil }
        if let maxQueuedResponses { settings.maxQueuedResponses = maxQueuedResponses }
        if let maxQueuedBytes { settings.maxQueuedBytes = maxQueuedBytes }
        if let reservedConnections { settings.reservedConnections = reservedConnections }
        settings.writeUsers += writeUser
        settings.writeGroups += writeGroup
        if let threads { settings.threads = threads }
        if let dataDir { settings.dataDirectory = dataDir.hasPrefix("/") ? dataDir : FileManager.default.currentDirectoryPath + "/" + dataDir }
        if let appendfsync { settings.appendfsync = appendfsync }
        if let autoSnapshotShare { settings.autoSnapshotShare = autoSnapshotShare }
        if let searchIndex { settings.searchIndex = searchIndex }
        _ = try settings.accessPolicy()  // unknown users/groups are configuration errors
        return settings
    }

    func run() async throws {
        let settings: DaemonSettings
        do {
            settings = try resolveSettings()
        } catch {
            StandardError.write("reportd: configuration error: \(error)")
            throw ExitCode(DaemonDefaults.exitConfiguration)
        }
        if checkConfig {
            print(settings.description)
            print("configuration OK")
            return
        }
        HeapTrimmer.tuneForLongRunningProcess()
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "reportd")
        let notifier = SystemdNotifier.fromProcessEnvironment(unsetEnvironment: true)
        let listener: ServerConfiguration.Listener
        let watchdog: WatchdogConfiguration?
        do {
            let inherited = try SocketActivation.listeningSockets()
            if inherited.count > 1 {
                logger.warning("systemd passed \(inherited.count) sockets; serving the first (\(inherited[0].name))")
            }
            listener = inherited.first.map { .inherited(fileDescriptor: $0.fileDescriptor, path: settings.socket) }
                ?? .path(settings.socket)
            watchdog = try WatchdogConfiguration.fromEnvironment()
        } catch {
            logger.critical("cannot use the environment systemd set: \(error)")
            throw ExitCode(DaemonDefaults.exitConfiguration)
        }

        let corpus: ServedCorpus
        do {
            corpus = try CorpusStartup(logger: logger).open(settings, repair: repair)
        } catch {
            logger.critical("cannot open the corpus: \(error)")
            throw ExitCode(DaemonDefaults.exitDataError)
        }
        defer { corpus.close() }
        let flags = self
        let daemon = Daemon(corpus: corpus, settings: settings, notifier: notifier, logger: logger) {
            try flags.resolveSettings()
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: settings.threads ?? System.coreCount)
        let server = ReportServer(
            configuration: settings.serverConfiguration(listener: listener),
            corpus: daemon.corpus,
            group: group,
            logger: logger,
            policy: try settings.accessPolicy(),
            actions: daemon,
            onListening: { notifier.ready(status: daemon.statusLine()) }
        )
        let services = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: server),
                    .init(service: SystemdService(daemon: daemon, watchdog: watchdog, logger: logger)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        daemon.attach(services)
        do {
            try await services.run()
        } catch let error as ServerError {
            logger.critical("\(error)")
            try? await group.shutdownGracefully()
            throw ExitCode(DaemonDefaults.exitCannotServe)
        }
        try await group.shutdownGracefully()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension FsyncPolicy: ExpressibleByArgument {}
