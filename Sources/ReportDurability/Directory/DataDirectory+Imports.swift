// DataDirectory+Imports: where the data directory keeps its import ledger (DIR/imports.rdimp,
// docs/DURABILITY.md §9). Safe to call from any thread; the caller runs one import at a time.

extension DataDirectory {
    /// The import ledger's path.
    public var importLedgerPath: String { FileSystem.join(path, DataDirectoryLayout.importLedgerName) }

    /// The fingerprints of the source reports last imported; nil before the first import that
    /// recorded them (a directory made by an older reportd, or never imported into).
    /// - Throws: `.damaged` naming the file and what to do.
    public func readImportLedger() throws -> ImportLedger? {
        try ImportLedger.read(path: importLedgerPath)
    }

    /// Replaces the import ledger, durably.
    public func writeImportLedger(_ ledger: ImportLedger) throws {
        try ledger.write(to: importLedgerPath)
    }
}
