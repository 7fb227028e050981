// PreparedWrite: a PUT validated and compressed by `ServedCorpus.prepareWrite`, waiting for
// `commit`. It remembers the store it was prepared for, so a commit after a reload (which
// swaps the store) compresses again rather than mixing dictionaries. Immutable; Sendable.
import ReportStore

/// A PUT ready to be committed.
public struct PreparedWrite: Sendable {
    let report: PreparedReport
    let store: ReportStore

    /// The report's id.
    public var id: String { report.id.rawValue }
}
