// ImportChanges: what an import would change in an existing store. With the fingerprints of
// the last import (the data directory's ledger), a source report counts only when it is new
// or its text changed since then, so a PUT or DEL made since stays; without them, when its
// text differs from the stored one (length and CRC first, then byte for byte). The data
// directory's daemon applies these as ordinary logged writes, so the directory stays the
// source of truth. Immutable value; safe anywhere.
import ReportChecksum

/// New or changed reports found by `ReportStore.changes(from:options:progress:)`.
public struct ImportChanges: Sendable {
    /// Reports to put, in input order.
    public var reports: [(id: ReportID, text: [UInt8])]
    /// Reports read that are not applied: unchanged since the last import, or already stored.
    public var unchanged: Int
    /// The fingerprint of every report read, for the next import's comparison.
    public var fingerprints: [ReportID: ReportFingerprint]
    /// Reading outcome (issues, bytes, seconds); `loaded` counts every report read.
    public var summary: ImportSummary
    /// The last import's fingerprints these changes were computed against (`changes(since:)`),
    /// so the caller can write the next ledger without reading the old one again.
    public var lastImport: [ReportID: ReportFingerprint]?
}

extension ReportStore {
    /// Reads `sources` and returns the reports to apply. The store is not changed.
    /// - Parameter lastImport: the fingerprints of the reports the last import read. A report
    ///   whose fingerprint is there and equal is left out whatever the store holds (it did not
    ///   change at the source: a write made since wins); one whose fingerprint differs is
    ///   applied; one without a fingerprint (or every report, when nil) is applied unless its
    ///   text is already stored byte for byte.
    public func changes(
        from sources: [ImportSource], options: ImportOptions = ImportOptions(),
        since lastImport: [ReportID: ReportFingerprint]? = nil,
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) -> ImportChanges {
        let started = ContinuousClock.now
        var importer = ReportImporter(options: options, progress: progress)
        importer.load(sources)
        let corpus = importer.corpus
        var reports: [(id: ReportID, text: [UInt8])] = []
        var unchanged = 0
        var fingerprints: [ReportID: ReportFingerprint] = [:]
        fingerprints.reserveCapacity(corpus.count)
        for (i, id) in corpus.ids.enumerated() {
            let text = corpus.bytes[corpus.range(i)]
            let fingerprint = ReportFingerprint(of: text)
            fingerprints[id] = fingerprint
            let last = lastImport?[id]
            if let last, last == fingerprint {
                unchanged += 1
            } else if isStored(id: id, text: text) {
                unchanged += 1
            } else {
                reports.append((id, Array(text)))
            }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = ImportSummary(
            loaded: corpus.count, skipped: importer.issues.count, rawBytes: corpus.bytes.count, issues: importer.issues,
            seconds: seconds, readingSeconds: seconds, trainingSeconds: 0, compressingSeconds: 0)
        return ImportChanges(
            reports: reports, unchanged: unchanged, fingerprints: fingerprints, summary: summary, lastImport: lastImport)
    }

    /// Whether `id` is stored with exactly `text`. A damaged stored unit counts as different,
    /// so the import rewrites it.
    private func isStored(id: ReportID, text: ArraySlice<UInt8>) -> Bool {
        guard let unit = current.unit(of: id), unit.textLength == text.count else { return false }
        guard unit.crc32 == text.withUnsafeBytes({ Checksum.crc32($0) }) else { return false }
        guard let stored = try? unit.text() else { return false }
        return stored.elementsEqual(text)
    }
}
