// WriteAheadLog: the append-only log of writes since the last snapshot, written by one
// dedicated writer thread. Appends from any thread are queued in order, each gets the next LSN;
// the writer takes everything queued as one batch: one write, then (policy `always`) one
// fdatasync, then completes every append in the batch. That is group commit: pipelined writers
// share a sync instead of queueing behind one sync each.
//
// Invariants: records reach the file in LSN order; an append completes successfully only after
// its bytes were written (and, under `always`, synced). A failed write or sync fails its batch and
// every append queued behind it; the writer then cuts the file back to the last successful record
// and syncs it (a failed fsync is never retried on the same bytes), LSNs resume after that record,
// and the next append tries again: writes resume by themselves once the disk accepts them. A
// `reset` is ordered with appends: records queued before it land in the old file, which is synced
// and closed; records after it land in the new file; a failed reset changes no generation.
//
// Safe to call concurrently from any thread. Completions run on the writer thread: keep them
// short (an event-loop `execute` hop, a promise succeed).
import Foundation
import Glibc

/// The write-ahead log of one data directory (docs/DURABILITY.md, "Write-ahead log").
public final class WriteAheadLog: @unchecked Sendable {
    /// Forces a file's data to stable storage; returns 0 or -1 with errno set, like fdatasync.
    public typealias SyncFunction = @Sendable (Int32) -> Int32

    /// How the log syncs.
    public struct Configuration: Sendable {
        /// When appends are synced.
        public var policy: FsyncPolicy
        /// The sync call; tests inject a counting one. Default `fdatasync`.
        public var syncData: SyncFunction
        /// Seconds between background syncs under `everysec`.
        public var everysecInterval: Double

        /// Creates a configuration; the default is `always` with `fdatasync`.
        public init(
            policy: FsyncPolicy = .always, syncData: @escaping SyncFunction = { fdatasync($0) },
            everysecInterval: Double = 1.0
        ) {
            self.policy = policy
            self.syncData = syncData
            self.everysecInterval = everysecInterval
        }
    }

    /// Called once per append with the record's LSN, or the error that kept it from the log.
    public typealias Completion = @Sendable (Result<UInt64, DurabilityError>) -> Void

    private enum Item {
        case append(lsn: UInt64, frame: [UInt8], completion: Completion?)
        case reset(
            generation: UInt64, path: String, firstLSN: UInt64, bytesBefore: UInt64,
            completion: @Sendable (Result<Void, DurabilityError>) -> Void)
    }

    private let configuration: Configuration
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var queue: [Item] = []
    private var nextLSN: UInt64
    private var bytesInGeneration: UInt64
    private var currentGeneration: UInt64
    private var closing = false
    private var finished = false
    /// The last failed write or sync, until an append succeeds again.
    private var failure: DurabilityError?
    private var failures = 0
    private var syncs = 0
    // Owned by the writer thread:
    private var file: PosixFile
    private var writeOffset: UInt64
    /// End of the last record whose append succeeded; bytes past it belong to failed appends.
    private var committedOffset: UInt64
    /// The LSN after the last record whose append succeeded.
    private var committedLSN: UInt64
    /// A failure left bytes past `committedOffset` or an owed sync: cut and sync before writing.
    private var needsRepair = false
    private var dirty = false
    private var lastSync = Date()

    private init(file: PosixFile, generation: UInt64, offset: UInt64, nextLSN: UInt64, configuration: Configuration) {
        self.file = file
        self.writeOffset = offset
        self.committedOffset = offset
        self.committedLSN = nextLSN
        self.nextLSN = nextLSN
        self.bytesInGeneration = offset
        self.currentGeneration = generation
        self.configuration = configuration
        let thread = Thread { [self] in runWriter() }
        thread.name = "reportd-wal"
        thread.start()
    }

    /// Creates a new, empty log file at `path` (which must not exist) and makes its creation
    /// durable (file and directory synced).
    public static func create(path: String, header: LogFileHeader, configuration: Configuration = .init()) throws
        -> WriteAheadLog
    {
        let file = try createFile(path: path, header: header, configuration: configuration)
        return WriteAheadLog(
            file: file, generation: header.generation, offset: UInt64(LogFileHeader.size),
            nextLSN: header.firstLSN, configuration: configuration)
    }

    /// Opens an existing log to append after its valid records, as `LogReader` found them. A
    /// torn tail must already have been moved aside: the file is cut to `replay.validLength`.
    public static func open(replay: LogReplay, configuration: Configuration = .init()) throws -> WriteAheadLog {
        guard let header = replay.header else {
            throw DurabilityError(.invalidArgument, "log has no header; create it again", path: replay.path)
        }
        let file = try PosixFile.openForWriting(replay.path, create: false)
        if try file.size() != replay.validLength {
            try file.truncate(to: replay.validLength)
            try file.sync()
        }
        return WriteAheadLog(
            file: file, generation: header.generation, offset: replay.validLength,
            nextLSN: replay.nextLSN, configuration: configuration)
    }

    /// Appends `record` and returns its LSN once the policy says it is safe: on stable storage
    /// (`always`) or written to the kernel (`everysec`, `no`). Blocks the calling thread; never
    /// call it on an event loop, use `append(_:completion:)` there.
    /// - Throws: `.invalidArgument` for an unencodable record, `.io` when the log is closed or
    ///   the write or sync failed.
    @discardableResult
    public func append(_ record: LogRecord) throws -> UInt64 {
        let done = OneShot<Result<UInt64, DurabilityError>>()
        append(record) { done.fulfil($0) }
        return try done.wait().get()
    }

    /// Appends `record`, suspending (not blocking) until it is as durable as the policy
    /// promises. For Swift concurrency callers; the same queue and group commit as the others.
    @discardableResult
    public func append(_ record: LogRecord) async throws -> UInt64 {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UInt64, any Error>) in
            append(record) { continuation.resume(with: $0.mapError { $0 as any Error }) }
        }
    }

    /// Queues `record` and returns at once; `completion` runs on the writer thread when the
    /// record is as durable as the policy promises (or failed). The order of calls is the
    /// order of LSNs and of records in the file; a failed record leaves no trace in the file.
    public func append(_ record: LogRecord, completion: @escaping Completion) {
        let frame: [UInt8]
        do {
            frame = LogRecordFrame.encode(body: try record.encodeBody())
        } catch let error as DurabilityError {
            return completion(.failure(error))
        } catch {
            return completion(.failure(DurabilityError(.io, "\(error)")))
        }
        condition.lock()
        if closing {
            condition.unlock()
            return completion(.failure(DurabilityError(.io, "the log is closed")))
        }
        let lsn = nextLSN
        nextLSN += 1
        bytesInGeneration += UInt64(frame.count)
        queue.append(.append(lsn: lsn, frame: frame, completion: completion))
        condition.signal()
        condition.unlock()
    }

    /// Starts a new log file for snapshot `generation` at `path`: appends queued before this call
    /// stay in the old file (synced and closed by the writer), later ones go to the new file.
    /// Returns at once with the LSN the new file starts at; `completion` runs on the writer
    /// thread once the new file's creation is durable, after the completions of every earlier
    /// append and before those of every later one. On failure the log keeps appending to the
    /// old file and its generation does not change.
    @discardableResult
    public func reset(
        generation: UInt64, path: String, completion: @escaping @Sendable (Result<Void, DurabilityError>) -> Void
    ) -> UInt64 {
        condition.lock()
        let firstLSN = nextLSN
        if closing {
            condition.unlock()
            completion(.failure(DurabilityError(.io, "the log is closed")))
            return firstLSN
        }
        queue.append(
            .reset(
                generation: generation, path: path, firstLSN: firstLSN, bytesBefore: bytesInGeneration,
                completion: completion))
        bytesInGeneration = UInt64(LogFileHeader.size)
        condition.signal()
        condition.unlock()
        return firstLSN
    }

    /// `reset(generation:path:completion:)`, blocking until the new file is durable.
    public func reset(generation: UInt64, path: String) throws {
        let done = OneShot<Result<Void, DurabilityError>>()
        reset(generation: generation, path: path) { done.fulfil($0) }
        try done.wait().get()
    }

    /// Bytes in the current generation's file, counting appends still queued (for the
    /// auto-snapshot rule).
    public var size: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return bytesInGeneration
    }

    /// The generation appends go to: that of the last `reset` that succeeded (or of the file
    /// the log was opened on).
    public var generation: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return currentGeneration
    }

    /// The LSN the next append will get.
    public var nextSequenceNumber: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return nextLSN
    }

    /// How many syncs the log has issued (for tests and statistics).
    public var syncCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return syncs
    }

    /// The failure of the last write or sync when no append has succeeded since; nil when the
    /// log is healthy. Appends are still accepted: each retries.
    public var lastFailure: DurabilityError? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// How many batches of appends (or background syncs) have failed since the log was opened.
    public var failureCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return failures
    }

    /// Appends queued but not yet taken by the writer (for tests).
    var queuedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Finishes every queued append, syncs the file whatever the policy, stops the writer
    /// thread and closes the file. Later appends fail with `.io`. Blocks until done.
    public func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    // MARK: - Writer thread

    private func runWriter() {
        condition.lock()
        while true {
            while queue.isEmpty && !closing {
                if configuration.policy == .everysec && dirty && !needsRepair {
                    let due = lastSync.addingTimeInterval(configuration.everysecInterval)
                    if !condition.wait(until: due) {
                        condition.unlock()
                        let syncFailure = syncIfDirty()
                        condition.lock()
                        if let syncFailure { recordFailure(syncFailure) }
                    }
                } else {
                    condition.wait()
                }
            }
            if queue.isEmpty && closing { break }
            let batch = queue
            queue = []
            condition.unlock()
            var completions: [() -> Void]
            var batchFailure: DurabilityError?
            var outcome = BatchOutcome()
            if needsRepair, let repairFailure = repair() {
                batchFailure = repairFailure
                completions = Self.fail(batch, with: repairFailure)
            } else {
                (completions, batchFailure, outcome) = process(batch)
                // Under steady load the queue is never empty, so the idle wait above never times
                // out: `everysec` must also sync here once the interval has passed.
                if configuration.policy == .everysec, batchFailure == nil,
                    Date().timeIntervalSince(lastSync) >= configuration.everysecInterval
                {
                    batchFailure = syncIfDirty()
                }
            }
            condition.lock()
            if let generation = outcome.generation { currentGeneration = generation }
            bytesInGeneration += outcome.restoredBytes
            if let batchFailure {
                // Appends queued meanwhile carry LSNs after the failed ones: they fail too, and
                // the numbering resumes after the last record that reached the file.
                completions += Self.fail(queue, with: batchFailure)
                queue = []
                nextLSN = committedLSN
                bytesInGeneration = committedOffset
                recordFailure(batchFailure)
            } else if outcome.appended {
                failure = nil
            }
            condition.unlock()
            // Cut the failed records off at once, so a restart never replays a refused write.
            if batchFailure != nil { _ = repair() }
            for complete in completions { complete() }
            condition.lock()
        }
        condition.unlock()
        // Graceful stop: whatever the policy, leave the file synced and without failed records.
        if needsRepair { _ = repair() }
        _ = syncIfDirty()
        file.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Notes a failure (caller holds `condition`); the next batch repairs the file first.
    private func recordFailure(_ error: DurabilityError) {
        failure = error
        failures += 1
        needsRepair = true
    }

    /// Completions failing every item.
    private static func fail(_ items: [Item], with error: DurabilityError) -> [() -> Void] {
        items.compactMap { item in
            switch item {
            case .append(_, _, let completion): completion.map { completion in { completion(.failure(error)) } }
            case .reset(_, _, _, _, let completion): { completion(.failure(error)) }
            }
        }
    }

    /// Makes the file end at the last successful record again, durably: the records of failed
    /// appends are cut off and the owed sync is made. Returns the error if it fails.
    private func repair() -> DurabilityError? {
        do {
            try file.truncate(to: committedOffset)
        } catch let error as DurabilityError {
            return error
        } catch {
            return DurabilityError(.io, "\(error)", path: file.path)
        }
        writeOffset = committedOffset
        dirty = true
        if let error = syncIfDirty() { return error }
        needsRepair = false
        return nil
    }

    /// What a batch changed besides its completions.
    private struct BatchOutcome {
        /// At least one append succeeded.
        var appended = false
        /// The generation of a reset that succeeded.
        var generation: UInt64?
        /// Bytes of the old file counted again after a failed reset.
        var restoredBytes: UInt64 = 0
    }

    /// Writes one batch. Returns the completions to run (outside the lock), the failure that
    /// stopped it (every item after it fails too), and what it changed.
    private func process(_ batch: [Item]) -> ([() -> Void], DurabilityError?, BatchOutcome) {
        var completions: [() -> Void] = []
        var failure: DurabilityError?
        var outcome = BatchOutcome()
        var pending: [UInt8] = []
        var waiting: [(UInt64, Completion?)] = []

        func flush() {
            guard !waiting.isEmpty else { return }
            if failure == nil {
                failure = writeAndSync(pending)
                if failure == nil {
                    committedOffset = writeOffset
                    committedLSN = waiting[waiting.count - 1].0 + 1
                    outcome.appended = true
                }
            }
            for (lsn, completion) in waiting {
                guard let completion else { continue }
                let result: Result<UInt64, DurabilityError> = failure.map { .failure($0) } ?? .success(lsn)
                completions.append { completion(result) }
            }
            pending.removeAll(keepingCapacity: true)
            waiting.removeAll(keepingCapacity: true)
        }

        for item in batch {
            switch item {
            case .append(let lsn, let frame, let completion):
                pending.append(contentsOf: frame)
                waiting.append((lsn, completion))
            case .reset(let generation, let path, let firstLSN, let bytesBefore, let completion):
                flush()
                let result: Result<Void, DurabilityError>
                if let failure {
                    result = .failure(failure)
                } else if let syncFailure = syncIfDirty() {
                    failure = syncFailure
                    result = .failure(syncFailure)
                } else {
                    result = switchFile(generation: generation, path: path, firstLSN: firstLSN)
                }
                switch result {
                case .success: outcome.generation = generation
                case .failure: outcome.restoredBytes += bytesBefore - UInt64(LogFileHeader.size)
                }
                completions.append { completion(result) }
            }
        }
        flush()
        return (completions, failure, outcome)
    }

    private func writeAndSync(_ bytes: [UInt8]) -> DurabilityError? {
        do {
            try file.write(bytes, at: writeOffset)
        } catch let error as DurabilityError {
            return error
        } catch {
            return DurabilityError(.io, "\(error)", path: file.path)
        }
        writeOffset += UInt64(bytes.count)
        dirty = true
        return configuration.policy == .always ? syncIfDirty() : nil
    }

    /// Syncs the current file if anything was written since the last sync.
    private func syncIfDirty() -> DurabilityError? {
        guard dirty else { return nil }
        let status = configuration.syncData(file.descriptor)
        let code = errno
        condition.lock()
        syncs += 1
        condition.unlock()
        lastSync = Date()
        guard status == 0 else { return DurabilityError.system("fdatasync", path: file.path, errno: code) }
        dirty = false
        return nil
    }

    /// The file half of a reset (the old file is synced): create the new one durably, switch.
    private func switchFile(generation: UInt64, path: String, firstLSN: UInt64) -> Result<Void, DurabilityError> {
        do {
            let newFile = try Self.createFile(
                path: path, header: LogFileHeader(generation: generation, firstLSN: firstLSN),
                configuration: configuration)
            file.close()
            file = newFile
            writeOffset = UInt64(LogFileHeader.size)
            committedOffset = writeOffset
            committedLSN = firstLSN
            return .success(())
        } catch let error as DurabilityError {
            // Stay on the old file: the snapshot that asked for the reset is abandoned.
            // createFile removed what it created; a file that was already there is not ours.
            return .failure(error)
        } catch {
            return .failure(DurabilityError(.io, "\(error)", path: path))
        }
    }

    private static func createFile(path: String, header: LogFileHeader, configuration: Configuration) throws
        -> PosixFile
    {
        let file = try PosixFile.openForWriting(path, create: true, exclusive: true)
        do {
            try file.write(header.encode(), at: 0)
            try file.sync()
            try FileSystem.syncDirectory(directoryOf(path))
        } catch {
            file.close()
            try? FileSystem.remove(path)
            throw error
        }
        return file
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
