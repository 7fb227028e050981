// Daemon: opens, recovers and loads a data directory into a ToyStore the way reportd will, and
// "crashes" by closing without any further cleanup. Used by one test at a time.
@testable import ReportDurability

/// Opens, recovers and loads a directory the way the daemon will.
struct Daemon {
    let directory: DataDirectory
    let recovery: Recovery
    let log: WriteAheadLog
    var store: ToyStore

    init(_ path: String, options: DataDirectory.Options = .init()) throws {
        directory = try DataDirectory(path: path, options: options)
        recovery = try directory.recover()
        store = ToyStore(recovery: recovery)
        log = try directory.openLog(after: recovery)
    }

    mutating func write(_ records: [LogRecord]) throws {
        for record in records {
            try log.append(record)
            store.apply(record)
        }
    }

    /// A "crash": the files stay exactly as they are (every append was synced under `always`).
    func crash() { directory.close() }
}
