// LogReplay: what LogReader found in one log file: the verified records in order, where the
// valid bytes end, and the torn tail cut off after them, if any. A value type; safe anywhere.

/// The readable contents of one log file.
public struct LogReplay: Sendable {
    /// An incomplete or unverifiable last record, with nothing valid after it.
    public struct TornTail: Sendable, Equatable {
        /// Where the torn record starts (the file's valid length).
        public let offset: UInt64
        /// Bytes from `offset` to the end of the file.
        public let length: UInt64
        /// What was wrong with it.
        public let reason: String
    }

    /// The file read.
    public let path: String
    /// The file header; nil when the file is shorter than a header (a log torn while being
    /// created, which can hold no records).
    public let header: LogFileHeader?
    /// Every verified record, in file order.
    public let records: [LogRecord]
    /// Bytes up to the end of the last verified record (or of the header).
    public let validLength: UInt64
    /// The file's size when read.
    public let fileLength: UInt64
    /// The cut-off tail, when there is one.
    public let tornTail: TornTail?

    /// LSN of the first record (from the header; 0 without one).
    public var firstLSN: UInt64 { header?.firstLSN ?? 0 }
    /// LSN the next appended record gets.
    public var nextLSN: UInt64 { firstLSN + UInt64(records.count) }
}
