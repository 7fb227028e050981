// ToyStore: the stand-in for ReportStore in these tests: a dictionary of ID to text that
// applies log records and round-trips through snapshot sections. Not shared between threads.
@testable import ReportDurability

/// A minimal in-memory store: what a real one does with recovery, in a few lines.
struct ToyStore: Equatable {
    var reports: [String: [UInt8]] = [:]

    mutating func apply(_ record: LogRecord) {
        switch record {
        case .put(let id, let text): reports[id] = text
        case .delete(let id): reports[id] = nil
        }
    }

    mutating func apply(_ records: [LogRecord]) { for record in records { apply(record) } }

    /// "entries": u16 id length | id | u32 text length | text, sorted by ID; "meta": the count.
    var sections: [SnapshotSection] {
        var entries = ByteWriter()
        for id in reports.keys.sorted() {
            entries.u16(UInt16(id.utf8.count))
            entries.raw(Array(id.utf8))
            entries.u32(UInt32(reports[id]!.count))
            entries.raw(reports[id]!)
        }
        var meta = ByteWriter()
        meta.u32(UInt32(reports.count))
        return [
            SnapshotSection(name: "meta", bytes: meta.bytes), SnapshotSection(name: "entries", bytes: entries.bytes),
        ]
    }

    /// Rebuilds a store: the snapshot's entries, then the records.
    init(recovery: Recovery) {
        if let entries = recovery.snapshot?.section("entries") {
            entries.bytes.withUnsafeBytes { raw in
                let reader = ByteReader(raw)
                var at = 0
                while at < raw.count {
                    let idLength = Int(reader.u16(at: at)!)
                    let id = String(decoding: reader.slice((at + 2)..<(at + 2 + idLength))!, as: UTF8.self)
                    let textLength = Int(reader.u32(at: at + 2 + idLength)!)
                    let start = at + 6 + idLength
                    reports[id] = Array(reader.slice(start..<(start + textLength))!)
                    at = start + textLength
                }
            }
        }
        apply(recovery.records)
    }

    init() {}
}
