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
            SIGINT (removing the socket it created), and on SIGHUP re-reads its configuration and \
            import directories, applying import, write-users and write-groups (other keys are \
            logged as needing a restart). Settings come from built-in defaults, then --config FILE, \
            then flags; every config key is also a flag of the same name taking the same values \
            (sizes such as 64k or 16M, durations such as 500ms or 5m, comma-separated lists).

            Under systemd (see scripts/reportd.service) it serves the socket it is handed \
            (LISTEN_FDS), reports READY=1/STATUS=/RELOADING=1/STOPPING=1 and pings the watchdog.

            Examples:
              reportd --socket /tmp/r.sock --import ./reports
              reportd --socket /tmp/r.sock --import a/ --import b.jsonl --log-level debug
              generate-reports | reportd --socket /tmp/r.sock --import -
              reportd --config /etc/reportd/reportd.conf --check-config
              reportd --socket /tmp/r.sock --idle-timeout 30s --max-report-bytes 4M
              reportd --socket /tmp/r.sock --data-dir /var/lib/reportd    # writes survive restarts
              reportd --data-dir /var/lib/reportd --repair                # after a damage report

            With --data-dir, every PUT and DEL is logged before it is acknowledged and the corpus \
            is snapshotted now and then; a restart loads the snapshot and replays the log. \
            --import then adds or updates only the reports whose text changed.

            Exit status: 0 after a clean stop; 64 usage error; 65 the data directory is damaged, \
            locked by another reportd or of a newer format (the message names the way out); 69 the \
            socket cannot be served (in use by a live daemon, not a socket, no permission); 78 \
            configuration error (every problem --check-config finds is also checked before a start \
            imports anything).
            """,
        version: ProductVersion.current
    )

    @Option(help: ArgumentHelp("Config file (key = value lines; see scripts/reportd.conf).", valueName: "file"))
    var config: String?

    @Flag(help: "Print the effective settings and check everything a start needs (accounts, import paths, data directory, socket); exit 0 only if a start would get past them.")
    var checkConfig = false

    @Option(help: ArgumentHelp("Unix socket to listen on (default \(DaemonDefaults.socketPath)).", valueName: "path"))
    var socket: String?

    @Option(
        name: .customLong("import"),
        help: ArgumentHelp(
            "Load reports from a .txt file, a directory (read recursively: *.txt, *.jsonl), a .jsonl file, or - for JSON Lines on stdin. Repeatable; adds to the config file's. A path that does not exist is an error.",
            valueName: "path"
        )
    )
    var imports: [String] = []

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("File mode of the socket reportd creates, octal (default 0660).", valueName: "mode"))
    var socketMode: String?

    @Option(help: ArgumentHelp("Group that owns the socket reportd creates (name or number; must exist).", valueName: "group"))
    var socketGroup: String?

    @Option(help: ArgumentHelp("Largest report accepted at import and by PUT: 4096, 64k, 8M, 1G (default 8M); at most --max-frame-bytes minus 261.", valueName: "size"))
    var maxReportBytes: String?

    @Option(help: ArgumentHelp("Most connections served at once (default 1024).", valueName: "n"))
    var maxConnections: String?

    @Option(help: ArgumentHelp("Largest frame body in both directions (requests over it get FRAME_TOO_LARGE, answers over it TOO_MANY_ITEMS): 64k, 16M (default 16M); at least 64k and --max-report-bytes plus 261, at most 4294967295 (4 GiB - 1).", valueName: "size"))
    var maxFrameBytes: String?

    @Option(help: ArgumentHelp("Close a connection idle this long: 500ms, 30s, 5m, 1h; 0 never (default 5m); at most 8760h.", valueName: "duration"))
    var idleTimeout: String?

    @Option(help: ArgumentHelp("Unsent responses per connection before reportd stops reading from it (default 1024).", valueName: "n"))
    var maxQueuedResponses: String?

    @Option(help: ArgumentHelp("Bytes of unsent answers per connection before reportd stops reading from it: 64M, 1G (default 64M).", valueName: "size"))
    var maxQueuedBytes: String?

    @Option(help: ArgumentHelp("Bytes all connections together may hold in unsent answers and half-received requests; past it the unprivileged connection holding the most is closed (default 256M).", valueName: "size"))
    var maxQueuedBytesTotal: String?

    @Option(help: ArgumentHelp("Connection slots kept for root and the write users when others hold the rest (default 8).", valueName: "n"))
    var reservedConnections: String?

    @Option(help: ArgumentHelp("Users allowed to write and administer, comma-separated (repeatable; root and reportd's own user always are).", valueName: "users"))
    var writeUsers: [String] = []

    @Option(help: ArgumentHelp("Primary groups allowed to write and administer, comma-separated (repeatable).", valueName: "groups"))
    var writeGroups: [String] = []

    @Option(help: ArgumentHelp("Event-loop threads (default: one per core).", valueName: "n"))
    var threads: String?

    @Option(help: ArgumentHelp("Persist writes here: a snapshot plus an append-only log (docs/DURABILITY.md). Without it, PUT/DEL are kept in memory only.", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("When a logged write is on disk before it is acknowledged: always (default; group commit), everysec, or no.", valueName: "policy"))
    var appendfsync: String?

    @Option(help: ArgumentHelp("Snapshot automatically once the log exceeds this share of the snapshot's size (default 1.0; 0 never).", valueName: "share"))
    var autoSnapshotShare: String?

    @Option(name: .customLong("search-index"), help: ArgumentHelp("yes (default) to build the full-text index, no for GET/MGET only: less memory, and SEARCH and COUNT are refused (BAD_REQUEST).", valueName: "yes|no"))
    var searchIndex: String?

    @Flag(help: "The same as --search-index no.")
    var noSearchIndex = false

    @Flag(help: "Repair a damaged data directory before starting: keep every valid record, move damaged files aside (never deletes).")
    var repair = false

    mutating func validate() throws {
        if repair && dataDir == nil && config == nil { throw ValidationError("--repair needs --data-dir") }
        if noSearchIndex && searchIndex != nil { throw ValidationError("give --search-index or --no-search-index, not both") }
    }

    /// The flags as config entries, in the order the config file documents its keys. Each is
    /// parsed and checked by the same code as the file's line of the same name, so flags and
    /// keys take the same values.
    var flagEntries: [ConfigEntry] {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        }
        var entries: [ConfigEntry] = []
        func add(_ key: String, _ value: String?) {
            if let value { entries.append(.flag(key, value)) }
        }
        add("socket", socket.map(absolute))
        add("socket-mode", socketMode)
        add("socket-group", socketGroup)
        for path in imports { add("import", path) }
        add("log-level", logLevel)
        add("max-report-bytes", maxReportBytes)
        add("max-connections", maxConnections)
        add("max-frame-bytes", maxFrameBytes)
        add("idle-timeout", idleTimeout)
        add("max-queued-responses", maxQueuedResponses)
        add("max-queued-bytes", maxQueuedBytes)
        add("max-queued-bytes-total", maxQueuedBytesTotal)
        add("reserved-connections", reservedConnections)
        for users in writeUsers { add("write-users", users) }
        for groups in writeGroups { add("write-groups", groups) }
        add("threads", threads)
        add("data-dir", dataDir.map(absolute))
        add("appendfsync", appendfsync)
        add("auto-snapshot-share", autoSnapshotShare)
        add("search-index", noSearchIndex ? "no" : searchIndex)
        return entries
    }

    /// Defaults, then the config file, then flags.
    func resolveSettings() throws -> DaemonSettings {
        var settings = DaemonSettings()
        if let config { try settings.load(configFile: config) }
        try settings.apply(flagEntries)
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
            let problems = StartupChecks.problems(settings, socketInherited: false)
            guard let first = problems.first else {
                print("configuration OK: the accounts, paths and socket a start needs are all in place")
                return
            }
            for problem in problems { StandardError.write("reportd: \(problem)") }
            StandardError.write("reportd: \(problems.count) problem\(problems.count == 1 ? "" : "s"): a start would fail")
            throw ExitCode(first.exitCode)
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

        // Everything a start depends on, before seconds of import are spent.
        var socketInherited = false
        if case .inherited = listener { socketInherited = true }
        let problems = StartupChecks.problems(settings, socketInherited: socketInherited)
        if let first = problems.first {
            for problem in problems { logger.critical("cannot start: \(problem)") }
            throw ExitCode(first.exitCode)
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
        let access: WriteAccess
        do {
            access = WriteAccess(try settings.accessPolicy())
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(DaemonDefaults.exitConfiguration)
        }
        let daemon = Daemon(corpus: corpus, settings: settings, access: access, notifier: notifier, logger: logger) {
            try flags.resolveSettings()
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: settings.threads ?? System.coreCount)
        let server = ReportServer(
            configuration: settings.serverConfiguration(listener: listener),
            corpus: daemon.corpus,
            group: group,
            logger: logger,
            serverName: "reportd \(ProductVersion.current)",
            access: access,
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

