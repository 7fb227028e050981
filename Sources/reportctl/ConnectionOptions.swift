// ConnectionOptions: the options every subcommand shares (socket path, JSON output, colour),
// and the one rule for choosing the socket path. Declared on the root command and on each
// subcommand, so that each subcommand's --help lists them and they may come before or after
// the subcommand's name; `merged(over:)` combines the two places.
import ArgumentParser
import ReportClient

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by all subcommands.
struct ConnectionOptions: ParsableArguments {
    /// When text output uses terminal escapes (bold matches and titles).
    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    /// The socket reportd listens on when nothing else is said (the systemd unit's path).
    static let defaultSocket = "/run/reportd/reportd.sock"

    @Option(
        name: [.short, .long],
        help: ArgumentHelp("reportd's socket (default: $REPORTD_SOCKET, else \(defaultSocket)).", valueName: "path"))
    var socket: String?

    @Flag(name: [.short, .long], help: "Print JSON Lines (one object per line) instead of text.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Bold matches and titles: auto (on a terminal, unless $NO_COLOR is set), always or never.",
            valueName: "when"))
    var color: ColorChoice?

    @Option(
        name: [.customShort("t"), .long],
        help: ArgumentHelp(
            "Give up when reportd has not answered (or taken a request) within this many seconds: exit 75. Default: wait forever.",
            valueName: "seconds"))
    var timeout: Double?

    mutating func validate() throws {
        if let timeout, !(timeout > 0 && timeout <= 86_400) {
            throw ValidationError("--timeout takes seconds, more than 0 and at most 86400 (e.g. 0.5 or 30)")
        }
    }

    /// These options given after the subcommand's name, over those given before it.
    func merged(over parent: ConnectionOptions) -> ConnectionOptions {
        var merged = self
        merged.socket = socket ?? parent.socket
        merged.json = json || parent.json
        merged.color = color ?? parent.color
        merged.timeout = timeout ?? parent.timeout
        return merged
    }

    /// The socket path: --socket, else $REPORTD_SOCKET, else the default.
    var socketPath: String {
        if let socket { return socket }
        if let fromEnvironment = getenv("REPORTD_SOCKET"), fromEnvironment.pointee != 0 {
            return String(cString: fromEnvironment)
        }
        return Self.defaultSocket
    }

    /// Whether text output on stdout uses escapes: --color, else on a terminal unless
    /// $NO_COLOR is set and not empty (https://no-color.org) or TERM is dumb.
    var usesColor: Bool {
        switch color ?? .auto {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
            if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
            return isatty(1) == 1
        }
    }

    /// Opens a new connection (with its HELLO) to the same socket with the same timeout: what a
    /// batch outliving reportd's idle close reconnects with (StreamingBatch).
    func reconnector() -> () throws(ClientError) -> ReportConnection {
        let (path, timeout) = (socketPath, timeout)
        return { () throws(ClientError) in try ReportClient(socketPath: path, timeout: timeout).connection }
    }

    /// Connects and handshakes, turning failures into a message and an exit status.
    func connect() throws -> ReportClient {
        do {
            return try ReportClient(socketPath: socketPath, timeout: timeout)
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
