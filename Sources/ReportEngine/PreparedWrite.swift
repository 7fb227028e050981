// PreparedWrite: a PUT validated and compressed by `ServedCorpus.prepareWrite`, waiting for
// `commit`. Its unit carries the dictionary it was made with, so it can be committed to
// whichever store is current by then (a reload may have swapped it). Immutable; Sendable.
import ReportStore

/// A PUT ready to be committed.
public struct PreparedWrite: Sendable {
    let report: PreparedReport

    /// The report's id.
    public var id: String { report.id.rawValue }
}
