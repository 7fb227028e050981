// DaemonDefaults: the defaults reportd documents in --help and README.md.

/// Built-in defaults of the daemon.
enum DaemonDefaults {
    /// Where reportd listens when neither --socket nor the config file says otherwise; the
    /// same path the systemd socket unit uses, and reportctl's default.
    static let socketPath = "/run/reportd/reportd.sock"
    /// Exit status when the socket cannot be served (in use, bad path).
    static let exitCannotServe: Int32 = 69
}
