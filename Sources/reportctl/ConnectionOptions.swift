// ConnectionOptions: the options every subcommand shares (socket path, JSON output),
// and the one rule for choosing the socket path.
import ArgumentParser
import ReportClient

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by all subcommands.
struct ConnectionOptions: ParsableArguments {
    /// The socket reportd listens on when nothing else is said (the systemd unit's path).
    static let defaultSocket = "/run/reportd/reportd.sock"

    @Option(help: ArgumentHelp("reportd's socket (default: $REPORTD_SOCKET, else \(defaultSocket)).", valueName: "path"))
    var socket: String?

    @Flag(help: "Print JSON Lines (one object per line) instead of text.")
    var json = false

    /// The socket path: --socket, else $REPORTD_SOCKET, else the default.
    var socketPath: String {
        if let socket { return socket }
        if let fromEnvironment = getenv("REPORTD_SOCKET"), fromEnvironment.pointee != 0 {
            return String(cString: fromEnvironment)
        }
        return Self.defaultSocket
    }

    /// Connects and handshakes, turning failures into a message and an exit status.
    func connect() throws -> ReportClient {
        do {
            return try ReportClient(socketPath: socketPath)
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
