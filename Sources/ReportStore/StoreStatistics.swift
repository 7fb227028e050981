// StoreStatistics: the sizes of one corpus version (consistent: all from the same version).
// Immutable value.

/// Sizes of a store at one moment.
public struct StoreStatistics: Sendable, Equatable {
    /// Live reports.
    public var reportCount: Int
    /// Sum of the live reports' text lengths.
    public var rawBytes: Int
    /// Sum of the live reports' compressed unit lengths.
    public var compressedBytes: Int
    /// Length of the preset dictionary (shared by all units, not in `compressedBytes`).
    public var dictionaryBytes: Int
    /// Arena bytes held by replaced or removed reports, until `compact()`.
    public var garbageBytes: Int
    /// Bytes allocated for arena chunks (live + garbage + free room in the write chunk).
    public var arenaCapacityBytes: Int
    /// Doc numbers handed out so far (live and retired); the next new report gets this one.
    public var docNumberLimit: Int
    /// Bytes held by the search index (postings, term dictionary, per-doc tables); 0 without one.
    public var indexBytes: Int = 0
    /// Distinct terms in the search index (summed over its segments).
    public var indexTerms: Int = 0
    /// Index segments (1 after an import; writes add small ones that get merged).
    public var indexSegments: Int = 0
    /// Written reports not yet tokenized into a segment (a search flushes them first).
    public var indexPendingDocs: Int = 0
    /// Preset dictionaries in use: 1, or 2 while units are recompressed after a retraining.
    public var dictionaries: Int = 1

    /// compressedBytes / rawBytes (0 for an empty store).
    public var compressionRatio: Double {
        rawBytes == 0 ? 0 : Double(compressedBytes) / Double(rawBytes)
    }
}
