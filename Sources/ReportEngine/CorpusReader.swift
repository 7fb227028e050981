// CorpusReader: what a request reads the corpus through — one pinned CorpusVersion, so every
// answer part (each MGET item, a search's ranking and its page's texts, a STATS table) is of
// the same instant and no lock is taken (docs/ARCHITECTURE.md, "Corpus versions"). The server
// sees ids as strings and failures as EngineError, so it needs the engine alone.
// Immutable value; Sendable.
import ReportIndex
import ReportStore

/// One request's view of the corpus.
public struct CorpusReader: Sendable {
    private let store: ReportStore
    /// The version every call answers from.
    private let version: CorpusVersion

    /// A reader of `store`'s current version.
    init(_ store: ReportStore) {
        self.store = store
        version = store.current
    }

    /// A stored report unit (`ReportStore.ReportUnit`): inflate it or send it as it is.
    public typealias Unit = ReportUnit

    /// Spare room past a text that `ReportUnit.inflate(into:)` may use (it then inflates faster).
    public static let inflateSlack = ReportUnit.outputSlack

    /// The current dictionary (raw deflate units need it), and its CRC-32.
    public var dictionary: [UInt8] { version.dictionary }
    public var dictionaryID: UInt32 { version.dictionaryID }

    /// Sizes of this version.
    public var statistics: StoreStatistics { version.statistics }

    /// The stored unit of report `id`; nil when there is no such report (an invalid id names none).
    public func unit(of id: String) -> Unit? {
        ReportID(id).flatMap(version.unit(of:))
    }

    /// Ranked search (`CorpusVersion.search`).
    /// - Throws: `.badQuery` for a malformed query or one over the work budget; `.dataCorrupt`
    ///   when a hit's text is damaged.
    public func search(
        _ query: String, limit: Int, offset: Int, fold: Bool, withTexts: Bool, allWords: Bool, suggest: Bool
    ) throws(EngineError) -> SearchPage {
        store.willQuery(version)
        do {
            return try version.search(
                query, limit: limit, offset: offset, fold: fold, withTexts: withTexts, allWords: allWords, suggest: suggest)
        } catch {
            throw Self.engineError(error)
        }
    }

    /// Reports matching every clause of `query`.
    /// - Throws: `.badQuery` as `search`.
    public func count(_ query: String, fold: Bool) throws(EngineError) -> Int {
        store.willQuery(version)
        do {
            return try version.count(query, fold: fold)
        } catch {
            throw Self.engineError(error)
        }
    }

    private static func engineError(_ error: any Error) -> EngineError {
        if let error = error as? QueryError { return EngineError(.badQuery, error.message) }
        if let error = error as? NoSearchIndex { return EngineError(.noSearchIndex, error.description) }
        return EngineError(.dataCorrupt, "\(error)")
    }
}
