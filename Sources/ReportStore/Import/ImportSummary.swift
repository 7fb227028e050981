// ImportSummary and ImportProgress: what an import did, and how far it is. Immutable values.

/// The outcome of `ReportStore.load`.
public struct ImportSummary: Sendable {
    /// Reports stored.
    public var loaded: Int
    /// Inputs skipped (each has an issue).
    public var skipped: Int
    /// Bytes of the stored reports' texts.
    public var rawBytes: Int
    /// Every skipped input, in input order.
    public var issues: [ImportIssue]
    /// Wall-clock seconds of the whole import, training and compression included.
    public var seconds: Double
    /// Seconds spent reading and validating input.
    public var readingSeconds: Double
    /// Seconds spent training the dictionary.
    public var trainingSeconds: Double
    /// Seconds spent compressing (all workers, wall clock).
    public var compressingSeconds: Double
    /// Seconds spent building the search index (all workers, wall clock).
    public var indexingSeconds: Double = 0
}

/// Progress of a running import, delivered at most every `ImportOptions.progressInterval`.
public struct ImportProgress: Sendable {
    /// The stage of the import.
    public enum Phase: Sendable { case reading, training, compressing, indexing }
    /// Current stage.
    public var phase: Phase
    /// Files (or JSON lines) read, or reports compressed.
    public var filesDone: Int
    /// Bytes read, or text bytes compressed.
    public var bytesDone: Int
}
