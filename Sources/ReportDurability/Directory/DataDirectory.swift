// DataDirectory: owns a --data-dir: its lock, the current snapshot and the chain of logs after
// it; recovers them at startup, switches generations for snapshots, and decides when an
// automatic snapshot is due (docs/DURABILITY.md).
//
// Invariant on disk: snapshot S (or none, S = 0) plus logs S, S+1, ..., M, each complete except
// possibly the tail of log M, hold every acknowledged write. Snapshot S+1 is renamed into place
// only after log S+1 exists durably and every write before it is synced in log S; files older
// than S+1 are deleted only after that rename is durable.
//
// Startup: `recover()` (read-only), load the snapshot and replay, `openLog(after:)`. Snapshot:
// under the caller's write lock, take a consistent in-memory copy and call `beginSnapshot()`;
// release the lock; build the sections off the lock; `finishSnapshot(_:sections:)`.
// Safe to call from any thread; at most one snapshot is in progress at a time.
import Foundation

/// A reportd data directory.
public final class DataDirectory: @unchecked Sendable {
    /// Tuning for the log and for automatic snapshots.
    public struct Options: Sendable {
        /// The log's fsync policy and sync function.
        public var log: WriteAheadLog.Configuration
        /// An automatic snapshot is due when the logs exceed this share of the snapshot's size.
        public var autoSnapshotShare: Double
        /// ... and at least this many bytes (so an empty or tiny snapshot does not trigger one
        /// per write).
        public var autoSnapshotMinimumLogBytes: UInt64

        /// Defaults: `always`, share 1.0, at least 4 MiB of log.
        public init(
            log: WriteAheadLog.Configuration = .init(), autoSnapshotShare: Double = 1.0,
            autoSnapshotMinimumLogBytes: UInt64 = 4 << 20
        ) {
            self.log = log
            self.autoSnapshotShare = autoSnapshotShare
            self.autoSnapshotMinimumLogBytes = autoSnapshotMinimumLogBytes
        }
    }

    /// The directory.
    public let path: String
    /// The options it was opened with.
    public let options: Options
    let layoutNames: DataDirectoryLayout
    private let lock: FileLock
    private let state = NSLock()
    // Guarded by `state`:
    private var wal: WriteAheadLog?
    private var snapshotGeneration: UInt64 = 0
    private var snapshotBytes: UInt64 = 0
    private var olderLogBytes: UInt64 = 0
    private var inProgress: SnapshotTicket?
    private var bytesBeforeTicket: UInt64 = 0

    /// Opens (creating if needed) the directory and takes its lock.
    /// - Throws: `.locked` when another process (or another `DataDirectory`) holds it; `.io`.
    public init(path: String, options: Options = .init()) throws {
        try FileSystem.createDirectory(path)
        self.path = path
        self.options = options
        self.layoutNames = DataDirectoryLayout(directory: path)
        self.lock = try FileLock(path: FileSystem.join(path, DataDirectoryLayout.lockName))
    }

    /// Reads the newest snapshot and the logs after it, without changing any file.
    /// - Throws: `.damaged`, `.truncated` or `.unsupportedVersion` naming the file and offset
    ///   (the message names `--repair` as the way out); `.io`. Never returns with less than
    ///   every acknowledged write, except a torn last record, which is reported in `warnings`.
    public func recover() throws -> Recovery {
        let layout = try DataDirectoryLayout(scanning: path)
        var warnings: [RecoveryWarning] = []
        var snapshot: Snapshot?
        var base: UInt64 = 0
        if let newest = layout.snapshots.last {
            let loaded = try SnapshotFile.read(path: layout.snapshotPath(newest))
            guard loaded.generation == newest else {
                throw DurabilityError(
                    .damaged, "snapshot header says generation \(loaded.generation); \(SnapshotFile.hint)",
                    path: layout.snapshotPath(newest), offset: 16)
            }
            snapshot = loaded
            base = newest
        }
        let chain = layout.logs.filter { $0 >= base }
        for (index, generation) in chain.enumerated() where generation != base + UInt64(index) {
            let missing = base + UInt64(index)
            // Log g follows snapshot g; without snapshots the chain must start at log 0.
            let what =
                index == 0 && snapshot == nil
                ? "snapshot \(generation), which is missing" : "log \(missing), which is missing"
            throw DurabilityError(
                .damaged,
                "log \(generation) follows \(what): its writes would be lost; restore the missing file from a backup",
                path: layout.logPath(generation))
        }
        var logs: [LogReplay] = []
        var records: [LogRecord] = []
        for (index, generation) in chain.enumerated() {
            let logPath = layout.logPath(generation)
            let replay = try LogReader.read(path: logPath, allowTornTail: index == chain.count - 1)
            if let header = replay.header, header.generation != generation {
                throw DurabilityError(
                    .damaged, "log header says generation \(header.generation); \(LogReader.repairHint)", path: logPath,
                    offset: 16)
            }
            if let tail = replay.tornTail {
                warnings.append(
                    RecoveryWarning(
                        path: logPath, offset: tail.offset,
                        message: "torn last record cut off (\(tail.length) bytes, \(tail.reason)); "
                            + "openLog keeps it in a .torn file"))
            }
            records.append(contentsOf: replay.records)
            logs.append(replay)
        }
        var obsolete: [String] = []
        for generation in layout.logs where generation < base { obsolete.append(layout.logPath(generation)) }
        for generation in layout.snapshots where generation < base { obsolete.append(layout.snapshotPath(generation)) }
        for file in obsolete {
            warnings.append(
                RecoveryWarning(
                    path: file, offset: nil,
                    message: "covered by snapshot \(base): an interrupted snapshot left it; removing"))
        }
        for temporary in layout.temporaries {
            obsolete.append(temporary)
            warnings.append(
                RecoveryWarning(path: temporary, offset: nil, message: "unfinished snapshot file; removing"))
        }
        let firstLSN = logs.first?.header?.firstLSN ?? snapshot?.nextLSN ?? 0
        let nextLSN = firstLSN + UInt64(records.count)
        return Recovery(
            snapshot: snapshot, records: records, firstLSN: firstLSN, nextLSN: nextLSN, warnings: warnings,
            baseGeneration: base, logs: logs, obsolete: obsolete)
    }

    /// Applies what `recovery` found and opens the log for appends: removes files an
    /// interrupted snapshot left behind, moves a torn tail aside into `<log>.torn-<time>` and
    /// cuts it off, creates the first log if there is none. Call once, after loading.
    public func openLog(after recovery: Recovery) throws -> WriteAheadLog {
        for file in recovery.obsolete { try FileSystem.remove(file) }
        var active = recovery.logs.last
        if let replay = active, let tail = replay.tornTail {
            let kept = try LogReader.readAll(replay.path)
            let aside = DataDirectoryLayout.asidePath(for: replay.path, tag: "torn")
            let file = try PosixFile.openForWriting(aside, create: true, exclusive: true)
            try file.write(Array(kept[Int(tail.offset)...]), at: 0)
            try file.sync()
            file.close()
            if replay.header == nil {
                // Not even a header reached the disk: recreate the file below.
                try FileSystem.remove(replay.path)
                active = nil
            }
        }
        if !recovery.obsolete.isEmpty || active == nil { try FileSystem.syncDirectory(path) }
        let log: WriteAheadLog
        if let active {
            log = try WriteAheadLog.open(replay: active, configuration: options.log)
        } else {
            let generation =
                recovery.logs.last.map { _ in recovery.baseGeneration + UInt64(recovery.logs.count - 1) }
                ?? recovery.baseGeneration
            log = try WriteAheadLog.create(
                path: layoutNames.logPath(generation),
                header: LogFileHeader(generation: generation, firstLSN: recovery.nextLSN), configuration: options.log)
        }
        state.lock()
        wal = log
        snapshotGeneration = recovery.baseGeneration
        snapshotBytes = recovery.snapshot?.fileLength ?? 0
        olderLogBytes = recovery.logs.dropLast().reduce(0) { $0 + $1.validLength }
        state.unlock()
        return log
    }

    /// Starts a snapshot: appends from now on go to a new log generation. Call it while holding
    /// the lock that orders your writes, right where you take the in-memory copy the snapshot
    /// will be built from, so the copy holds exactly the writes before `ticket.nextLSN`.
    /// Returns at once; the new log file is created by the log's writer thread.
    /// - Parameter atSwitch: runs on the log's writer thread once the new log file is durable,
    ///   after the completions of every append before the ticket and before those of every
    ///   append after it: a store that applies writes in their completions can take its copy
    ///   there (not run when the switch fails).
    /// - Throws: `.io` when no log is open or a snapshot is already in progress.
    public func beginSnapshot(atSwitch: (@Sendable () -> Void)? = nil) throws -> SnapshotTicket {
        state.lock()
        defer { state.unlock() }
        guard let wal else { throw DurabilityError(.io, "no log is open: call openLog(after:) first", path: path) }
        guard inProgress == nil else { throw DurabilityError(.io, "a snapshot is already in progress", path: path) }
        let generation = wal.generation + 1
        let rotation = OneShot<Result<Void, DurabilityError>>()
        bytesBeforeTicket = olderLogBytes + wal.size
        let nextLSN = wal.reset(generation: generation, path: layoutNames.logPath(generation)) { result in
            if case .success = result { atSwitch?() }
            rotation.fulfil(result)
        }
        let ticket = SnapshotTicket(generation: generation, nextLSN: nextLSN, rotation: rotation)
        inProgress = ticket
        return ticket
    }

    /// Finishes a snapshot: waits for the new log to be durable, writes the snapshot atomically
    /// (temporary file, fsync, rename, directory fsync), then removes the logs and snapshots it
    /// covers. Blocks; run it off the event loops. On failure the directory is still consistent
    /// (the old snapshot plus both logs) and a later snapshot can be tried.
    public func finishSnapshot(_ ticket: SnapshotTicket, sections: [SnapshotSection]) throws {
        try finishSnapshot(ticket) { sections }
    }

    /// `finishSnapshot(_:sections:)` with the sections built by `build` once the new log is
    /// durable (so after `beginSnapshot`'s `atSwitch` ran).
    public func finishSnapshot(_ ticket: SnapshotTicket, building build: () throws -> [SnapshotSection]) throws {
        do {
            try ticket.rotation.wait().get()
            let sections = try build()
            let size = try SnapshotFile.write(
                sections, generation: ticket.generation, nextLSN: ticket.nextLSN,
                to: layoutNames.snapshotPath(ticket.generation))
            state.lock()
            snapshotGeneration = ticket.generation
            snapshotBytes = size
            olderLogBytes = 0
            inProgress = nil
            state.unlock()
        } catch {
            abandonSnapshot(ticket)
            throw error
        }
        // The new snapshot is durable: everything older is redundant. A failure here leaves
        // files that the next recovery removes as obsolete.
        let layout = try DataDirectoryLayout(scanning: path)
        for generation in layout.logs where generation < ticket.generation {
            try FileSystem.remove(layout.logPath(generation))
        }
        for generation in layout.snapshots where generation < ticket.generation {
            try FileSystem.remove(layout.snapshotPath(generation))
        }
        try FileSystem.syncDirectory(path)
    }

    /// Gives up a started snapshot (for example, building the sections failed). The directory
    /// stays consistent: the old snapshot plus the logs before and after the switch.
    public func abandonSnapshot(_ ticket: SnapshotTicket) {
        state.lock()
        if inProgress?.generation == ticket.generation {
            inProgress = nil
            if case .success = ticket.rotation.peek ?? .success(()) { olderLogBytes = bytesBeforeTicket }
        }
        state.unlock()
    }

    /// Bytes of log a recovery would replay now: every log file since the current snapshot —
    /// those before an abandoned snapshot's switch, and while a snapshot is being written the log it
    /// will cover, too — counting appends still queued (STATS `log_bytes`).
    public var logBytes: UInt64 {
        state.lock()
        defer { state.unlock() }
        return (inProgress == nil ? olderLogBytes : bytesBeforeTicket) + (wal?.size ?? 0)
    }

    /// True when an automatic snapshot is due: no snapshot in progress, and the logs since the
    /// snapshot exceed `autoSnapshotShare` x the snapshot's size and `autoSnapshotMinimumLogBytes`.
    public var shouldSnapshot: Bool {
        state.lock()
        defer { state.unlock() }
        guard let wal, inProgress == nil else { return false }
        let logBytes = olderLogBytes + wal.size
        let threshold = max(
            Double(options.autoSnapshotMinimumLogBytes), options.autoSnapshotShare * Double(snapshotBytes))
        return Double(logBytes) > threshold
    }

    /// The generation of the current snapshot (0 before the first).
    public var currentSnapshotGeneration: UInt64 {
        state.lock()
        defer { state.unlock() }
        return snapshotGeneration
    }

    /// Closes the log (syncing it) and releases the directory lock.
    public func close() {
        state.lock()
        let log = wal
        wal = nil
        state.unlock()
        log?.close()
        lock.release()
    }
}
