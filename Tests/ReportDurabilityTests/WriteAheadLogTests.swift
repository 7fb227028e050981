// Fsync policies, group commit, callbacks, resets and failures of the write-ahead log.
import Foundation
import Glibc
import Testing

@testable import ReportDurability

/// Polls `condition` every millisecond for up to 10 s.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<10_000 {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

@Suite("Write-ahead log")
struct WriteAheadLogTests {
    @Test("group commit: appends queued during a sync share the next write and sync")
    func groupCommitBatches() throws {
        let dir = TestDirectory()
        let probe = SyncProbe()
        probe.closeGate()
        let wal = try WriteAheadLog.create(
            path: dir.file("log.rdlog"), header: LogFileHeader(generation: 0, firstLSN: 0),
            configuration: .init(policy: .always, syncData: probe.hook))
        let group = DispatchGroup()
        let results = ResultBox()
        func appender(_ i: Int) {
            group.enter()
            Thread.detachNewThread {
                do { results.add(try wal.append(.put(id: "r\(i)", text: Array("văn bản \(i)".utf8)))) } catch {
                    results.fail("\(error)")
                }
                group.leave()
            }
        }
        // The first append's sync blocks; fifteen more queue up behind it.
        appender(0)
        #expect(eventually { probe.count == 1 })
        for i in 1..<16 { appender(i) }
        #expect(eventually { wal.queuedCount == 15 })
        probe.open()
        group.wait()
        wal.close()
        #expect(results.failures.isEmpty)
        #expect(results.lsns.sorted() == Array(0..<16))
        // One sync for the first append, one for the batch of fifteen.
        #expect(probe.count == 2)
        #expect(try LogReader.read(path: dir.file("log.rdlog")).records.count == 16)
    }

    @Test("under always, every append returns only after a sync covering its record")
    func alwaysMeansSynced() throws {
        let dir = TestDirectory()
        let probe = SyncProbe()
        let path = dir.file("log.rdlog")
        let wal = try WriteAheadLog.create(
            path: path, header: LogFileHeader(generation: 0, firstLSN: 0),
            configuration: .init(policy: .always, syncData: probe.hook))
        let group = DispatchGroup()
        let seen = ResultBox()
        for t in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                for i in 0..<40 {
                    let lsn = try! wal.append(
                        .put(id: "t\(t)-\(i)", text: Bytes.pseudoRandom(count: 50 + i, seed: UInt64(t * 100 + i))))
                    seen.add(lsn, syncedSize: probe.syncedSize)
                }
                group.leave()
            }
        }
        group.wait()
        wal.close()
        // End offset of each record, by LSN, from the file itself.
        let records = try LogReader.read(path: path).records
        #expect(records.count == 320)
        var ends: [UInt64] = []
        var end = UInt64(LogFileHeader.size)
        for record in records {
            end += UInt64(LogRecordFrame.encode(body: try record.encodeBody()).count)
            ends.append(end)
        }
        for (lsn, synced) in seen.pairs { #expect(synced >= ends[Int(lsn)], "LSN \(lsn) returned before its sync") }
        #expect(probe.count <= 320)
        #expect(Set(seen.lsns).count == 320)
    }

    @Test("the callback form completes every append in order, off the caller's thread")
    func callbackForm() throws {
        let dir = TestDirectory()
        let wal = try WriteAheadLog.create(
            path: dir.file("log.rdlog"), header: LogFileHeader(generation: 0, firstLSN: 5))
        let box = ResultBox()
        let group = DispatchGroup()
        for i in 0..<50 {
            group.enter()
            wal.append(.put(id: "c\(i)", text: [UInt8(i)])) { result in
                if case .success(let lsn) = result { box.add(lsn) } else { box.fail("\(result)") }
                group.leave()
            }
        }
        group.wait()
        wal.close()
        #expect(box.lsns == Array(5..<55))
    }

    @Test("the async form suspends until the record is synced")
    func asyncForm() async throws {
        let dir = TestDirectory()
        let probe = SyncProbe()
        let wal = try WriteAheadLog.create(
            path: dir.file("log.rdlog"), header: .init(generation: 0, firstLSN: 0),
            configuration: .init(syncData: probe.hook))
        let lsns = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for i in 0..<20 { group.addTask { try await wal.append(.delete(id: "a\(i)")) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(lsns.sorted() == Array(0..<20))
        #expect(probe.count >= 1 && probe.syncedSize == FileSystem.size(dir.file("log.rdlog")))
        wal.close()
    }

    @Test("policy no never syncs while running; everysec syncs in the background")
    func lazyPolicies() throws {
        let dir = TestDirectory()
        let lazy = SyncProbe()
        let noSync = try WriteAheadLog.create(
            path: dir.file("no.rdlog"), header: .init(generation: 0, firstLSN: 0),
            configuration: .init(policy: .no, syncData: lazy.hook))
        for i in 0..<20 { try noSync.append(.delete(id: "\(i)")) }
        #expect(lazy.count == 0)
        noSync.close()
        #expect(lazy.count == 1, "close syncs once whatever the policy")

        let timed = SyncProbe()
        let everysec = try WriteAheadLog.create(
            path: dir.file("es.rdlog"), header: .init(generation: 0, firstLSN: 0),
            configuration: .init(policy: .everysec, syncData: timed.hook, everysecInterval: 0.05))
        for i in 0..<20 { try everysec.append(.delete(id: "\(i)")) }
        #expect(eventually { timed.count >= 1 })
        #expect(timed.syncedSize == FileSystem.size(dir.file("es.rdlog")))
        everysec.close()
    }

    @Test("everysec still syncs while the queue is never empty")
    func everysecUnderLoad() throws {
        let dir = TestDirectory()
        let probe = SyncProbe()
        let wal = try WriteAheadLog.create(
            path: dir.file("log.rdlog"), header: .init(generation: 0, firstLSN: 0),
            configuration: .init(policy: .everysec, syncData: probe.hook, everysecInterval: 0.01))
        // Each completion queues the next append before the writer looks at the queue again,
        // so the writer never idles: only the after-batch check can sync.
        let stop = Date().addingTimeInterval(0.2)
        let done = OneShot<Bool>()
        @Sendable func chain(_ i: Int) {
            wal.append(.delete(id: "\(i)")) { _ in
                if Date() < stop { chain(i + 1) } else { done.fulfil(probe.count >= 1) }
            }
        }
        chain(0)
        #expect(done.wait(), "no sync during 0.2 s of uninterrupted appends")
        wal.close()
    }

    @Test("a failed sync fails its batch, cuts it off the file, and the next append succeeds once syncs work")
    func failedSyncRecovers() throws {
        let dir = TestDirectory()
        let probe = SyncProbe()
        let wal = try WriteAheadLog.create(
            path: dir.file("log.rdlog"), header: .init(generation: 0, firstLSN: 0),
            configuration: .init(syncData: probe.hook))
        #expect(try wal.append(.delete(id: "kept")) == 0)
        probe.failWith = EIO
        let failed = durabilityError { try wal.append(.delete(id: "refused")) }
        #expect(failed?.code == .io)
        #expect(failed?.message.contains("fdatasync") == true)
        #expect(wal.lastFailure != nil)
        #expect(wal.failureCount == 1)
        // Still failing: the retry fails too, and numbering does not advance.
        #expect(durabilityError { try wal.append(.delete(id: "refused-again")) }?.code == .io)
        #expect(wal.nextSequenceNumber == 1)
        probe.failWith = 0
        // The disk works again: the next append goes through with the next LSN after "kept".
        #expect(try wal.append(.delete(id: "after")) == 1)
        #expect(wal.lastFailure == nil)
        #expect(wal.failureCount == 2)
        wal.close()
        let replay = try LogReader.read(path: dir.file("log.rdlog"), allowTornTail: false)
        #expect(replay.records.map(\.id) == ["kept", "after"])
        #expect(replay.tornTail == nil)
    }

    @Test("appends queued behind a failed batch fail too, and none of them reaches the file")
    func failedBatchFailsTheQueue() throws {
        let dir = TestDirectory()
        let probe = SyncProbe()
        let wal = try WriteAheadLog.create(
            path: dir.file("log.rdlog"), header: .init(generation: 0, firstLSN: 0),
            configuration: .init(syncData: probe.hook))
        probe.failWith = EIO
        probe.closeGate()
        let outcomes = ResultBox()
        let group = DispatchGroup()
        for i in 0..<20 {
            group.enter()
            wal.append(.delete(id: "q\(i)")) { result in
                if case .success = result { outcomes.fail("q\(i) succeeded") }
                group.leave()
            }
        }
        probe.open()
        group.wait()
        #expect(outcomes.failures.isEmpty)
        probe.failWith = 0
        #expect(try wal.append(.delete(id: "first-good")) == 0)
        wal.close()
        #expect(try LogReader.read(path: dir.file("log.rdlog"), allowTornTail: false).records.map(\.id) == ["first-good"])
    }

    @Test("appends after close fail instead of hanging")
    func appendAfterClose() throws {
        let dir = TestDirectory()
        let wal = try WriteAheadLog.create(path: dir.file("log.rdlog"), header: .init(generation: 0, firstLSN: 0))
        wal.close()
        #expect(durabilityError { try wal.append(.delete(id: "a")) }?.code == .io)
    }

    @Test("reset sends earlier appends to the old file and later ones to the new file")
    func resetOrdersAppends() throws {
        let dir = TestDirectory()
        let wal = try WriteAheadLog.create(path: dir.file("a.rdlog"), header: .init(generation: 1, firstLSN: 0))
        let box = ResultBox()
        let group = DispatchGroup()
        for i in 0..<10 {
            group.enter()
            wal.append(.delete(id: "old\(i)")) { _ in group.leave() }
        }
        let first = wal.reset(generation: 2, path: dir.file("b.rdlog")) { result in
            if case .failure(let error) = result { box.fail("\(error)") }
        }
        #expect(first == 10)
        #expect(wal.size == UInt64(LogFileHeader.size))
        for i in 0..<5 { try wal.append(.delete(id: "new\(i)")) }
        group.wait()
        wal.close()
        #expect(box.failures.isEmpty)
        let old = try LogReader.read(path: dir.file("a.rdlog"), allowTornTail: false)
        let new = try LogReader.read(path: dir.file("b.rdlog"), allowTornTail: false)
        #expect(old.records.map(\.id) == (0..<10).map { "old\($0)" })
        #expect(new.records.map(\.id) == (0..<5).map { "new\($0)" })
        #expect(new.header == LogFileHeader(generation: 2, firstLSN: 10))
    }

    @Test("a reset to an existing path fails and appends stay in the old file")
    func failedResetKeepsOldFile() throws {
        let dir = TestDirectory()
        Bytes.write([1, 2, 3], to: dir.file("taken.rdlog"))
        let wal = try WriteAheadLog.create(path: dir.file("a.rdlog"), header: .init(generation: 0, firstLSN: 0))
        let sizeBefore = wal.size
        #expect(durabilityError { try wal.reset(generation: 1, path: dir.file("taken.rdlog")) }?.code == .io)
        // The failed reset changed neither the generation nor the size of the file appends go to.
        #expect(wal.generation == 0)
        #expect(wal.size == sizeBefore)
        try wal.append(.delete(id: "still-here"))
        wal.close()
        #expect(try LogReader.read(path: dir.file("a.rdlog")).records == [.delete(id: "still-here")])
        #expect(Bytes.read(dir.file("taken.rdlog")) == [1, 2, 3])
    }
}
