// DaemonDefaults: the defaults and exit codes reportd documents in --help and README.md.

/// Built-in defaults of the daemon.
enum DaemonDefaults {
    /// Where reportd listens when neither --socket nor the config file says otherwise; the
    /// same path the systemd socket unit uses, and reportctl's default.
    static let socketPath = "/run/reportd/reportd.sock"
    /// Exit status when the socket cannot be served (in use, bad path): EX_UNAVAILABLE.
    static let exitCannotServe: Int32 = 69
    /// Exit status when the data directory cannot be recovered (damaged, locked, newer format): EX_DATAERR.
    static let exitDataError: Int32 = 65
    /// Exit status for a bad configuration file or environment: EX_CONFIG.
    static let exitConfiguration: Int32 = 78
}

#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to stderr, before logging is set up.
enum StandardError {
    static func write(_ message: String) {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
