// reportd: parses arguments, loads the corpus, and runs the server under a
// ServiceGroup that turns SIGTERM/SIGINT into a graceful stop. All policy lives in
// the libraries; this file only wires them together and maps failures to exit codes.
import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import ReportServer
import ReportStore
import ServiceLifecycle

@main
struct ReportDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportd",
        abstract: "Serve a compressed, searchable corpus of text reports over a Unix socket.",
        discussion: """
            reportd loads reports (one .txt file each, or JSON Lines), keeps them in memory \
            compressed with zlib, and answers reportctl and other clients over a Unix-domain \
            socket (see protocol/PROTOCOL.md). It logs to stderr and stops cleanly on SIGTERM \
            or SIGINT, removing its socket file.

            Examples:
              reportd --socket /tmp/r.sock --import ./reports
              reportd --socket /tmp/r.sock --import a/ --import b.jsonl --log-level debug
              generate-reports | reportd --socket /tmp/r.sock --import -
            """
    )

    @Option(name: .long, help: ArgumentHelp("Unix socket to listen on.", valueName: "path"))
    var socket: String = DaemonDefaults.socketPath

    @Option(
        name: .customLong("import"),
        help: ArgumentHelp(
            "Load reports from a .txt file, a directory (read recursively: *.txt, *.jsonl), a .jsonl file, or - for JSON Lines on stdin. Repeatable.",
            valueName: "path"
        )
    )
    var imports: [String] = []

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("File mode of the socket reportd creates (octal).", valueName: "mode"))
    var socketMode: String = "0660"

    @Option(help: ArgumentHelp("Group that owns the socket reportd creates (name or number).", valueName: "group"))
    var socketGroup: String?

    @Option(help: ArgumentHelp("Largest report accepted at import, in bytes.", valueName: "bytes"))
    var maxReportBytes: Int = 8 << 20

    @Option(help: ArgumentHelp("Most connections served at once.", valueName: "n"))
    var maxConnections: Int = 1024

    @Option(help: ArgumentHelp("Largest request frame body, in bytes.", valueName: "bytes"))
    var maxFrameBytes: UInt32 = 16 << 20

    @Option(help: ArgumentHelp("Close a connection idle this many seconds (0: never).", valueName: "seconds"))
    var idleTimeout: Double = 300

    @Option(help: ArgumentHelp("Unsent responses per connection before reportd stops reading from it.", valueName: "n"))
    var maxQueuedResponses: Int = 1024

    @Option(help: ArgumentHelp("Event-loop threads (default: one per core).", valueName: "n"))
    var threads: Int?

    mutating func validate() throws {
        guard UInt32(socketMode, radix: 8) != nil else {
            throw ValidationError("--socket-mode must be an octal mode such as 0660, not '\(socketMode)'")
        }
        guard maxConnections > 0, maxQueuedResponses > 0, maxReportBytes > 0, maxFrameBytes >= 64 else {
            throw ValidationError("limits must be positive (and --max-frame-bytes at least 64)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "reportd")

        let store = CorpusLoader(logger: logger).load(imports, maxReportBytes: maxReportBytes)
        var serverConfiguration = ServerConfiguration(listener: .path(socket))
        serverConfiguration.socketMode = UInt32(socketMode, radix: 8)!
        serverConfiguration.socketGroup = socketGroup
        serverConfiguration.maxConnections = maxConnections
        serverConfiguration.maxFrameBytes = maxFrameBytes
        serverConfiguration.idleTimeoutSeconds = idleTimeout > 0 ? idleTimeout : nil
        serverConfiguration.maxQueuedResponses = maxQueuedResponses
        serverConfiguration.maxReportBytes = maxReportBytes

        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount)
        let server = ReportServer(
            configuration: serverConfiguration,
            stores: StoreBox(store),
            group: group,
            logger: logger
        )
        let services = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
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
