// DataDirectory+Repair: `--repair`. Brings a damaged directory back to a state `recover()`
// accepts while keeping every verifiable record and deleting nothing: each damaged file is
// renamed to `<name>.damaged-<UTC time>`; a damaged log is replaced by a rewritten copy holding
// every record the salvage scan verified. Call instead of `recover()`, then call `recover()`.
import Foundation

extension DataDirectory {
    /// Repairs the directory (docs/DURABILITY.md, "Repair").
    ///
    /// - A damaged or truncated snapshot is moved aside; recovery falls back to the next older
    ///   snapshot if its logs are all present, otherwise to an empty placeholder snapshot of the
    ///   same generation (the reports it held are lost: `snapshotLost`).
    /// - A damaged log (bad record in the middle, bad header, torn tail in a log that a newer
    ///   one follows) is moved aside and rewritten with every record that verifies.
    /// - Throws: `.unsupportedVersion` untouched (a newer reportd wrote it: upgrade instead);
    ///   `.damaged` for a missing log in the chain, which cannot be rebuilt; `.io`.
    public func repair() throws -> RepairReport {
        var report = RepairReport()
        let names = DataDirectoryLayout(directory: path)
        // Snapshots, newest first, until one verifies.
        var layout = try DataDirectoryLayout(scanning: path)
        var base: UInt64 = 0
        var lostGeneration: UInt64?
        while let newest = layout.snapshots.last {
            do {
                let snapshot = try SnapshotFile.read(path: names.snapshotPath(newest))
                guard snapshot.generation == newest else {
                    throw DurabilityError(.damaged, "generation mismatch", path: names.snapshotPath(newest), offset: 16)
                }
                base = newest
                break
            } catch let error as DurabilityError where error.code == .damaged || error.code == .truncated {
                try moveAside(names.snapshotPath(newest), because: error, into: &report)
                layout.snapshots.removeLast()
                // An older snapshot only helps if every log from it on is still here.
                if let older = layout.snapshots.last, !(older...newest).allSatisfy({ layout.logs.contains($0) }) {
                    lostGeneration = newest
                    break
                }
                if layout.snapshots.isEmpty { lostGeneration = newest }
            }
        }
        if let lost = lostGeneration {
            // Older snapshots cannot be used (a log after them is gone) but hold the best copy
            // of the lost reports: keep them for the operator instead of letting recovery
            // remove them as obsolete.
            for older in layout.snapshots {
                let file = names.snapshotPath(older)
                let aside = DataDirectoryLayout.asidePath(for: file, tag: "unused")
                try FileSystem.rename(file, to: aside)
                report.movedAside.append(aside)
                report.actions.append("moved \(file) aside to \(aside): a log after it is missing")
            }
            // The logs after `lost` are still good; give them the snapshot they follow, empty.
            let firstLSN = (try? LogReader.read(path: names.logPath(lost)).header?.firstLSN) ?? nil
            try SnapshotFile.write([], generation: lost, nextLSN: firstLSN ?? 0, to: names.snapshotPath(lost))
            base = lost
            report.snapshotLost = true
            report.actions.append(
                "snapshot \(lost) was damaged with no older snapshot to fall back on: its reports are lost; "
                    + "wrote an empty snapshot \(lost) so the logs after it still replay")
        }
        // Logs from the base on, oldest first.
        let chain = layout.logs.filter { $0 >= base }
        for (index, generation) in chain.enumerated() where generation != base + UInt64(index) {
            throw DurabilityError(
                .damaged, "log \(base + UInt64(index)) is missing; repair cannot rebuild it: restore it from a backup",
                path: names.logPath(generation))
        }
        var nextLSN: UInt64?
        for (index, generation) in chain.enumerated() {
            let logPath = names.logPath(generation)
            do {
                let replay = try LogReader.read(path: logPath, allowTornTail: index == chain.count - 1)
                if let header = replay.header, header.generation != generation {
                    throw DurabilityError(.damaged, "generation mismatch", path: logPath, offset: 16)
                }
                nextLSN = replay.header == nil ? nextLSN : replay.nextLSN
            } catch let error as DurabilityError where error.code == .damaged || error.code == .truncated {
                let salvage = try LogReader.salvage(path: logPath)
                let firstLSN = salvage.header?.firstLSN ?? nextLSN ?? 0
                try rewriteLog(
                    at: logPath, header: LogFileHeader(generation: generation, firstLSN: firstLSN),
                    records: salvage.records, because: error, into: &report)
                report.recordsKept += salvage.records.count
                report.bytesSkipped += salvage.skipped.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) }
                nextLSN = firstLSN + UInt64(salvage.records.count)
            }
        }
        try FileSystem.syncDirectory(path)
        if report.actions.isEmpty { report.actions.append("nothing to repair") }
        return report
    }

    private func moveAside(_ file: String, because error: DurabilityError, into report: inout RepairReport) throws {
        let aside = DataDirectoryLayout.asidePath(for: file, tag: "damaged")
        try FileSystem.rename(file, to: aside)
        report.movedAside.append(aside)
        report.actions.append("moved \(file) aside to \(aside): \(error)")
    }

    /// Writes the salvaged records to a temporary file, syncs it, moves the damaged original
    /// aside and renames the copy into its place.
    private func rewriteLog(
        at logPath: String, header: LogFileHeader, records: [LogRecord], because error: DurabilityError,
        into report: inout RepairReport
    ) throws {
        let temporary = logPath + ".repair.tmp"
        try FileSystem.remove(temporary)
        var bytes = header.encode()
        for record in records { bytes += LogRecordFrame.encode(body: try record.encodeBody()) }
        let file = try PosixFile.openForWriting(temporary, create: true, exclusive: true)
        do {
            try file.write(bytes, at: 0)
            try file.sync()
            file.close()
        } catch {
            file.close()
            try? FileSystem.remove(temporary)
            throw error
        }
        try moveAside(logPath, because: error, into: &report)
        try FileSystem.rename(temporary, to: logPath)
        report.actions.append("rewrote \(logPath) with the \(records.count) records that verify")
    }
}
