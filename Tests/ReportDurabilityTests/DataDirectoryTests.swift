// The data directory: lock, recovery, the snapshot/log generation handoff with a crash between
// each step, torn tails, auto-snapshots and repair.
import Foundation
import Testing

@testable import ReportDurability

enum HandoffCrash: String, CaseIterable, CustomTestStringConvertible {
    case afterLogSwitch, whileWritingSnapshot, afterSnapshotRename, afterCleanup
    var testDescription: String { rawValue }
}

@Suite("Data directory")
struct DataDirectoryTests {
    @Test("a second opener of the same directory gets a clear locked error until the first closes")
    func lockContention() throws {
        let dir = TestDirectory()
        let first = try DataDirectory(path: dir.path)
        let error = durabilityError { try DataDirectory(path: dir.path) }
        #expect(error?.code == .locked)
        #expect(error?.path == dir.file("LOCK"))
        #expect(error?.message.contains("another reportd") == true)
        first.close()
        let second = try DataDirectory(path: dir.path)
        second.close()
    }

    @Test("a fresh directory recovers empty and restarts with every write")
    func freshAndRestart() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        #expect(daemon.recovery.snapshot == nil && daemon.recovery.records.isEmpty && daemon.recovery.warnings.isEmpty)
        try daemon.write(Fixture.records(count: 20))
        let expected = daemon.store
        daemon.crash()
        let again = try Daemon(dir.path)
        #expect(again.store == expected)
        #expect(again.recovery.nextLSN == 20)
        #expect(again.recovery.warnings.isEmpty)
        again.crash()
        #expect(dir.names() == ["LOCK", DataDirectoryLayout.logName(0)])
    }

    @Test("a crash at any step of the snapshot handoff loses no write", arguments: HandoffCrash.allCases)
    func handoff(crash: HandoffCrash) throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        // One full snapshot first, so generation 1 -> 2 also has an old snapshot to retire.
        try daemon.write(Fixture.records(count: 8, seed: 1))
        let first = try daemon.directory.beginSnapshot()
        try daemon.directory.finishSnapshot(first, sections: daemon.store.sections)
        try daemon.write(Fixture.records(count: 8, seed: 2))

        let ticket = try daemon.directory.beginSnapshot()
        let copy = daemon.store  // the consistent in-memory copy taken with the switch
        try daemon.write([.put(id: "sau-khi-chuyển", text: Array("sau".utf8)), .delete(id: "báo-cáo-0")])
        try ticket.rotation.wait().get()
        let snapshotPath = daemon.directory.layoutNames.snapshotPath(ticket.generation)
        switch crash {
        case .afterLogSwitch:
            break
        case .whileWritingSnapshot:
            let scratch = dir.file("scratch")
            try SnapshotFile.write(copy.sections, generation: ticket.generation, nextLSN: ticket.nextLSN, to: scratch)
            let partial = Bytes.read(scratch)
            try FileSystem.remove(scratch)
            Bytes.write(Array(partial.prefix(partial.count / 2)), to: snapshotPath + ".tmp")
        case .afterSnapshotRename:
            try SnapshotFile.write(
                copy.sections, generation: ticket.generation, nextLSN: ticket.nextLSN, to: snapshotPath)
        case .afterCleanup:
            try daemon.directory.finishSnapshot(ticket, sections: copy.sections)
        }
        let expected = daemon.store
        daemon.crash()

        var restarted = try Daemon(dir.path)
        #expect(restarted.store == expected)
        let recovered = restarted.recovery
        switch crash {
        case .afterLogSwitch, .whileWritingSnapshot:
            #expect(recovered.snapshot?.generation == 1)
            #expect(recovered.records.count == 10)
        case .afterSnapshotRename, .afterCleanup:
            #expect(recovered.snapshot?.generation == 2)
            #expect(recovered.records.count == 2)
            #expect(recovered.firstLSN == ticket.nextLSN)
        }
        #expect(recovered.nextLSN == 18)
        #expect(recovered.warnings.isEmpty == (crash == .afterCleanup || crash == .afterLogSwitch))
        // Writes continue in the newest log, and the next snapshot retires everything older.
        try restarted.write([.put(id: "sau-khởi-động", text: [1, 2, 3])])
        let final = try restarted.directory.beginSnapshot()
        try restarted.directory.finishSnapshot(final, sections: restarted.store.sections)
        let expectedFinal = restarted.store
        restarted.crash()
        #expect(dir.names() == ["LOCK", DataDirectoryLayout.logName(3), DataDirectoryLayout.snapshotName(3)])
        let last = try Daemon(dir.path)
        #expect(last.store == expectedFinal && last.recovery.records.isEmpty)
        last.crash()
    }

    @Test("a torn last record is cut off with a warning naming the file and offset, and kept aside")
    func tornTailWarns() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        let records = Fixture.records(count: 5)
        try daemon.write(records)
        daemon.crash()
        let logPath = dir.file(DataDirectoryLayout.logName(0))
        let full = Bytes.read(logPath)
        Bytes.write(Array(full.dropLast(7)), to: logPath)

        let restarted = try Daemon(dir.path)
        var expected = ToyStore()
        expected.apply(Array(records.dropLast()))
        #expect(restarted.store == expected)
        let warning = try #require(restarted.recovery.warnings.first)
        let lastFrame = LogRecordFrame.encode(body: try records.last!.encodeBody()).count
        #expect(warning.path == logPath)
        #expect(warning.offset == UInt64(full.count - lastFrame))
        #expect(warning.description.contains("torn"))
        let torn = try #require(dir.names().first { $0.contains(".torn-") })
        #expect(Bytes.read(dir.file(torn)).count == lastFrame - 7)
        try restarted.log.append(.delete(id: "báo-cáo-1"))
        restarted.crash()
        let third = try Daemon(dir.path)
        #expect(third.recovery.warnings.isEmpty)
        #expect(third.recovery.records == Array(records.dropLast()) + [.delete(id: "báo-cáo-1")])
        third.crash()
    }

    @Test("damage in the middle of a log refuses to start, naming file, offset and --repair")
    func damageRefuses() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        try daemon.write(Fixture.records(count: 6))
        daemon.crash()
        let logPath = dir.file(DataDirectoryLayout.logName(0))
        Bytes.write(Bytes.flipped(Bytes.read(logPath), at: LogFileHeader.size + 20), to: logPath)
        let directory = try DataDirectory(path: dir.path)
        defer { directory.close() }
        let error = durabilityError { try directory.recover() }
        #expect(error?.code == .damaged)
        #expect(error?.path == logPath)
        #expect(error?.offset == UInt64(LogFileHeader.size))
        #expect(error?.description.contains("--repair") == true)
    }

    @Test("repair keeps every valid record of a damaged log and moves the damaged file aside")
    func repairLog() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        let records = Fixture.records(count: 8)
        try daemon.write(records)
        daemon.crash()
        let logPath = dir.file(DataDirectoryLayout.logName(0))
        let original = Bytes.read(logPath)
        let secondRecord = LogFileHeader.size + LogRecordFrame.encode(body: try records[0].encodeBody()).count
        Bytes.write(Bytes.flipped(original, at: secondRecord + 15), to: logPath)

        let directory = try DataDirectory(path: dir.path)
        let report = try directory.repair()
        #expect(report.recordsKept == 7)
        #expect(report.movedAside.count == 1)
        let aside = try #require(report.movedAside.first)
        #expect(aside.hasPrefix(logPath + ".damaged-"))
        #expect(
            Bytes.read(aside) == Bytes.flipped(original, at: secondRecord + 15), "the damaged file is kept as it was")
        let recovery = try directory.recover()
        #expect(recovery.records == [records[0]] + records[2...])
        #expect(recovery.warnings.isEmpty)
        directory.close()
        #expect(try DataDirectory(path: dir.path).repair().isClean)
    }

    @Test("repair of a damaged snapshot with no older one keeps the logged writes and says what is lost")
    func repairSnapshot() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        try daemon.write(Fixture.records(count: 4))
        let ticket = try daemon.directory.beginSnapshot()
        try daemon.directory.finishSnapshot(ticket, sections: daemon.store.sections)
        let after: [LogRecord] = [.put(id: "mới", text: [7]), .delete(id: "báo-cáo-0")]
        try daemon.write(after)
        daemon.crash()
        let snapshotPath = dir.file(DataDirectoryLayout.snapshotName(1))
        Bytes.write(Bytes.flipped(Bytes.read(snapshotPath), at: 60), to: snapshotPath)

        let directory = try DataDirectory(path: dir.path)
        #expect(durabilityError { try directory.recover() }?.path == snapshotPath)
        let report = try directory.repair()
        #expect(report.snapshotLost)
        #expect(report.movedAside.first?.hasPrefix(snapshotPath + ".damaged-") == true)
        let recovery = try directory.recover()
        #expect(recovery.snapshot?.sections.isEmpty == true)
        #expect(recovery.records == after)
        directory.close()
    }

    @Test("repair falls back to an older snapshot when a handoff left it and its logs")
    func repairFallsBack() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        try daemon.write(Fixture.records(count: 4))
        let first = try daemon.directory.beginSnapshot()
        try daemon.directory.finishSnapshot(first, sections: daemon.store.sections)
        try daemon.write([.put(id: "giữa", text: [1])])
        let second = try daemon.directory.beginSnapshot()
        try second.rotation.wait().get()
        // Crash after the rename of snapshot 2, before logs 1 and snapshot 1 were removed.
        try SnapshotFile.write(
            daemon.store.sections, generation: 2, nextLSN: second.nextLSN,
            to: daemon.directory.layoutNames.snapshotPath(2))
        try daemon.write([.put(id: "cuối", text: [2])])
        let expected = daemon.store
        daemon.crash()
        let snapshot2 = dir.file(DataDirectoryLayout.snapshotName(2))
        Bytes.write(Array(Bytes.read(snapshot2).dropLast(3)), to: snapshot2)

        let directory = try DataDirectory(path: dir.path)
        #expect(durabilityError { try directory.recover() }?.code == .truncated)
        let report = try directory.repair()
        #expect(!report.snapshotLost)
        let recovery = try directory.recover()
        #expect(recovery.snapshot?.generation == 1)
        #expect(ToyStore(recovery: recovery) == expected)
        directory.close()
    }

    @Test("repair leaves files of a newer format version alone")
    func repairRefusesNewerVersion() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        try daemon.write(Fixture.records(count: 2))
        daemon.crash()
        let logPath = dir.file(DataDirectoryLayout.logName(0))
        var bytes = Bytes.read(logPath)
        bytes[8] = 2
        Bytes.write(bytes, to: logPath)
        let directory = try DataDirectory(path: dir.path)
        defer { directory.close() }
        #expect(durabilityError { try directory.repair() }?.code == .unsupportedVersion)
        #expect(Bytes.read(logPath) == bytes)
    }

    @Test("a missing log in the chain refuses to start instead of skipping its writes")
    func missingLogRefuses() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        try daemon.write([.put(id: "a", text: [1])])
        _ = try daemon.directory.beginSnapshot()  // abandoned: logs 0 and 1 now both live
        try daemon.write([.put(id: "b", text: [2])])
        daemon.crash()
        try FileSystem.remove(dir.file(DataDirectoryLayout.logName(0)))
        let directory = try DataDirectory(path: dir.path)
        defer { directory.close() }
        let error = durabilityError { try directory.recover() }
        #expect(error?.code == .damaged)
        #expect(error?.message.contains("snapshot 1, which is missing") == true)
    }

    @Test("an automatic snapshot is due once the log outgrows its share of the snapshot")
    func autoSnapshotRule() throws {
        let dir = TestDirectory()
        let options = DataDirectory.Options(autoSnapshotShare: 0.5, autoSnapshotMinimumLogBytes: 200)
        var daemon = try Daemon(dir.path, options: options)
        #expect(!daemon.directory.shouldSnapshot)
        try daemon.write([.put(id: "a", text: [UInt8](repeating: 1, count: 100))])
        #expect(!daemon.directory.shouldSnapshot, "40 + 115 bytes is under the 200-byte floor")
        try daemon.write([.put(id: "b", text: [UInt8](repeating: 2, count: 100))])
        #expect(daemon.directory.shouldSnapshot)
        let ticket = try daemon.directory.beginSnapshot()
        #expect(!daemon.directory.shouldSnapshot, "not while one is in progress")
        try daemon.directory.finishSnapshot(
            ticket, sections: [.init(name: "big", bytes: [UInt8](repeating: 0, count: 1000))])
        #expect(!daemon.directory.shouldSnapshot)
        // Snapshot is ~1,100 bytes: due past 550 bytes of log.
        try daemon.write([.put(id: "c", text: [UInt8](repeating: 3, count: 400))])
        #expect(!daemon.directory.shouldSnapshot)
        try daemon.write([.put(id: "d", text: [UInt8](repeating: 4, count: 100))])
        #expect(daemon.directory.shouldSnapshot)
        daemon.crash()
    }

    @Test("logBytes counts every log a recovery would replay: during a snapshot, after a failed one, and after one that completed")
    func logBytesAcrossSnapshots() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        func fileBytes(_ generation: UInt64) -> UInt64 {
            UInt64(Bytes.read(daemon.directory.layoutNames.logPath(generation)).count)
        }
        try daemon.write(Fixture.records(count: 6, seed: 5))
        #expect(daemon.directory.logBytes == fileBytes(0))
        let failed = try daemon.directory.beginSnapshot()
        try daemon.write(Fixture.records(count: 2, seed: 6))
        // Building the sections fails (the way ENOSPC does): log 0 is still the one recovery needs.
        #expect(throws: DurabilityError.self) {
            try daemon.directory.finishSnapshot(failed) { throw DurabilityError(.io, "No space left on device") }
        }
        #expect(fileBytes(0) > fileBytes(1))
        #expect(daemon.directory.logBytes == fileBytes(0) + fileBytes(1), "log 0 is needed until a snapshot covers it")
        let retried = try daemon.directory.beginSnapshot()
        #expect(retried.generation == 2)
        try daemon.write(Fixture.records(count: 1, seed: 7))
        #expect(daemon.directory.logBytes == fileBytes(0) + fileBytes(1) + fileBytes(2), "while snapshot 2 is written")
        try daemon.directory.finishSnapshot(retried, sections: daemon.store.sections)
        #expect(daemon.directory.logBytes == fileBytes(2), "snapshot 2 covers logs 0 and 1")
        daemon.crash()
    }

    @Test("a snapshot whose log switch failed leaves no gap: the next one takes the same generation and recovers")
    func failedSwitchKeepsGeneration() throws {
        let dir = TestDirectory()
        var daemon = try Daemon(dir.path)
        try daemon.write(Fixture.records(count: 6, seed: 3))
        // Something occupies log 1's name: creating it fails, the snapshot is abandoned.
        let blocker = daemon.directory.layoutNames.logPath(1)
        Bytes.write([9, 9, 9], to: blocker)
        let failed = try daemon.directory.beginSnapshot()
        #expect(failed.generation == 1)
        #expect(throws: DurabilityError.self) { try daemon.directory.finishSnapshot(failed, sections: daemon.store.sections) }
        #expect(daemon.log.generation == 0)
        try FileManager.default.removeItem(atPath: blocker)
        try daemon.write(Fixture.records(count: 3, seed: 4))
        let retried = try daemon.directory.beginSnapshot()
        #expect(retried.generation == 1)
        let snapshotCopy = daemon.store  // the copy taken with the switch
        // Writes after the switch go to log 1, the log that follows snapshot 1.
        try daemon.write([.put(id: "sau", text: Array("sau".utf8))])
        try daemon.directory.finishSnapshot(retried, sections: snapshotCopy.sections)
        let expected = daemon.store
        daemon.crash()
        let again = try Daemon(dir.path)
        #expect(again.recovery.baseGeneration == 1)
        #expect(again.store == expected)
        again.crash()
    }
}
