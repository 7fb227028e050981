// ImportChanges: what an import would change in an existing store — the reports that are
// new or whose text differs — found by reading the sources and comparing each text with the
// stored one (length and CRC first, then byte for byte). The data directory's daemon applies
// these as ordinary logged writes, so the directory stays the source of truth.
// Immutable value; safe anywhere.

/// New or changed reports found by `ReportStore.changes(from:options:progress:)`.
public struct ImportChanges: Sendable {
    /// Reports to put, in input order.
    public var reports: [(id: ReportID, text: [UInt8])]
    /// Reports read whose stored text is already identical.
    public var unchanged: Int
    /// Reading outcome (issues, bytes, seconds); `loaded` counts every report read.
    public var summary: ImportSummary
}

extension ReportStore {
    /// Reads `sources` and returns the reports whose text is not already stored byte for byte.
    /// The store is not changed.
    public func changes(
        from sources: [ImportSource], options: ImportOptions = ImportOptions(),
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) -> ImportChanges {
        let started = ContinuousClock.now
        var importer = ReportImporter(options: options, progress: progress)
        importer.load(sources)
        let corpus = importer.corpus
        var reports: [(id: ReportID, text: [UInt8])] = []
        var unchanged = 0
        for (i, id) in corpus.ids.enumerated() {
            let text = corpus.bytes[corpus.range(i)]
            if isStored(id: id, text: text) {
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
        return ImportChanges(reports: reports, unchanged: unchanged, summary: summary)
    }

    /// Whether `id` is stored with exactly `text`. A damaged stored unit counts as different,
    /// so the import rewrites it.
    private func isStored(id: ReportID, text: ArraySlice<UInt8>) -> Bool {
        guard let stored = storedLengthAndCRC(id), stored.length == text.count else { return false }
        guard stored.crc == text.withUnsafeBytes({ Checksum.crc32($0) }) else { return false }
        guard let current = try? self.text(for: id) else { return false }
        return current.elementsEqual(text)
    }
}
