// StoreIndexState: the search index as the store holds it under its lock.
// (Placeholder shape until index segments land: the imported corpus's index only.)
import ReportIndex

/// The store's index: immutable parts plus writes not yet indexed.
struct StoreIndexState: Sendable {
    var main: SearchIndex?

    func sections() -> [(name: String, bytes: [UInt8])] { [] }

    static func decode(_ sections: [String: [UInt8]], segmentCount: Int, slots: Int) throws(StoreError) -> StoreIndexState {
        StoreIndexState(main: nil)
    }
}
