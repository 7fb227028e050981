// Corpus versions: a reader that pinned a version keeps a consistent snapshot while writes
// publish new ones; concurrent readers and writers never see a version whose tables disagree;
// background work built on an older version publishes only what is still true (flush, merge,
// compaction after a write raced them) and drops what a reload made obsolete.
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import ReportStore

@Suite("ReportStore: corpus versions")
struct CorpusVersionTests {
    func id(_ s: String) -> ReportID { ReportID(s)! }

    /// A text naming its id and edition in its title, with the word "chung" in every report.
    func text(_ name: String, edition: Int) -> [UInt8] {
        Array("Bản tin \(name) lần\(edition) chung\n".utf8) + Fixtures.report(seed: UInt64(edition % 7), paragraphs: 1)
    }

    /// Every table of `version` agrees with the others (CorpusState's invariants), and each live
    /// report's text names its own id. Returns the problems found.
    func problems(in version: CorpusVersion) throws -> [String] {
        var found: [String] = []
        let s = version.state
        if s.docs.count != s.arena.liveCount { found.append("docs \(s.docs.count) != live entries \(s.arena.liveCount)") }
        if s.ids.count != s.arena.entries.count || s.live.slots != s.ids.count { found.append("table lengths differ") }
        for (reportID, doc) in s.docs {
            if version.id(forDoc: doc) != reportID { found.append("\(reportID): doc \(doc) maps back to another id") }
            if !s.live.contains(doc) { found.append("\(reportID): doc \(doc) not in the live bitmap") }
            guard let body = try version.text(for: reportID) else {
                found.append("\(reportID): no text")
                continue
            }
            if !String(decoding: body.prefix(64), as: UTF8.self).hasPrefix("Bản tin \(reportID.rawValue) ") {
                found.append("\(reportID): text of another report")
            }
        }
        // Every live report has the word "chung": the index of the version must count them all,
        // pending writes included.
        let counted = try version.count("chung", fold: false)
        if counted != version.count { found.append("index counts \(counted) of \(version.count) live reports") }
        return found
    }

    @Test("a pinned version keeps its texts, ids and index while writes publish new versions")
    func pinnedVersion() throws {
        let store = ReportStore()
        for i in 0..<20 { try store.put(id: id("a\(i)"), text: text("a\(i)", edition: 0)) }
        let pinned = store.current
        let before = try (0..<20).map { try pinned.text(for: id("a\($0)")) }
        for i in 0..<10 { try store.put(id: id("a\(i)"), text: text("a\(i)", edition: 1)) }
        for i in 10..<15 { store.remove(id: id("a\(i)")) }
        for i in 0..<5 { try store.put(id: id("b\(i)"), text: text("b\(i)", edition: 1)) }
        store.waitForIndexMaintenance()
        store.compact()

        // The pinned version is unchanged: same texts, same ids, same index answers.
        #expect(try (0..<20).map { try pinned.text(for: id("a\($0)")) } == before)
        #expect(pinned.count == 20)
        #expect(pinned.reportIDs().count == 20 && pinned.docNumber(for: id("b0")) == nil)
        #expect(try pinned.count("lần0", fold: false) == 20)
        #expect(try pinned.count("lần1", fold: false) == 0)
        #expect(try problems(in: pinned).isEmpty)

        // The current one has every write, and each write published exactly one version.
        let now = store.current
        #expect(now.number >= pinned.number + 20)
        #expect(now.count == 20)
        #expect(try now.text(for: id("a3")) == text("a3", edition: 1))
        #expect(try now.text(for: id("a12")) == nil)
        #expect(try now.count("lần1", fold: false) == 15)
        #expect(try problems(in: now).isEmpty)
    }

    @Test("every write publishes one version, numbered in order; a removal of nothing publishes none")
    func versionNumbers() throws {
        let store = ReportStore()
        let start = store.current.number
        try store.put(id: id("x"), text: text("x", edition: 0))
        #expect(store.current.number == start + 1)
        try store.put(id: id("x"), text: text("x", edition: 1))
        #expect(store.current.number == start + 2)
        #expect(!store.remove(id: id("nope")))
        #expect(store.current.number == start + 2)
        #expect(store.remove(id: id("x")))
        #expect(store.current.number == start + 3)
    }

    @Test("concurrent readers and writers: every version a reader pins is consistent, and stays so")
    func concurrentConsistency() throws {
        let store = ReportStore()
        for i in 0..<40 { try store.put(id: id("c\(i)"), text: text("c\(i)", edition: 0)) }
        let stop = Atomic<Bool>(false)
        let checked = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<3 {
            DispatchQueue.global().async(group: group) {
                while !stop.load(ordering: .relaxed) || checked.load(ordering: .relaxed) < 20 {
                    let version = store.current
                    do {
                        let first = try problems(in: version)
                        // Checked twice: writes published meanwhile must not change a pinned version.
                        let again = try version.reportIDs() == version.reportIDs() ? problems(in: version) : ["ids changed"]
                        if !first.isEmpty || !again.isEmpty { failures.withLock { $0 += first + again } }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    checked.add(1, ordering: .relaxed)
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        for k in 1...600 {
            let n = Int.random(in: 0..<60, using: &rng)
            if k % 7 == 0 {
                store.remove(id: id("c\(n)"))
            } else {
                try store.put(id: id("c\(n)"), text: text("c\(n)", edition: k))
            }
            if k % 150 == 0 { store.compact() }
        }
        stop.store(true, ordering: .relaxed)
        group.wait()
        store.waitForIndexMaintenance()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { Array($0.prefix(5)) })")
        #expect(checked.load(ordering: .relaxed) >= 20)
        #expect(try problems(in: store.current).isEmpty)
    }

    @Test("a flush built on an older version publishes its segment and keeps the writes made since pending")
    func flushAfterRacingWrite() throws {
        let store = ReportStore()
        // Hold the maintenance queue, so the flush scheduled after ours waits until we looked.
        let hold = DispatchSemaphore(value: 0)
        store.maintenance.async { hold.wait() }
        defer { hold.signal() }
        for i in 0..<5 { try store.put(id: id("f\(i)"), text: text("f\(i)", edition: 0)) }
        let base = store.current
        #expect(base.state.index.pending.count == 5)
        // Writes race the flush: a replacement of a flushed doc and a new report.
        try store.put(id: id("f0"), text: text("f0", edition: 1))
        try store.put(id: id("f9"), text: text("f9", edition: 1))
        #expect(store.flushPendingWrites(from: base))
        let now = store.current.state
        #expect(now.index.pending.map(\.doc) == [5, 6])
        #expect(now.index.segments.last?.docRange == 0..<5)
        #expect(try store.current.count("lần0", fold: false) == 4)
        #expect(try store.current.count("lần1", fold: false) == 2)
        #expect(try problems(in: store.current).isEmpty)
        // Built on the same base again: its docs are no longer pending, so nothing is published.
        let number = store.current.number
        #expect(!store.flushPendingWrites(from: base))
        #expect(store.current.number == number)
    }

    @Test("the background flush publishes the segment a query tokenized, not a second tokenization of a newer version")
    func flushReusesQueryTail() throws {
        let store = ReportStore()
        let hold = DispatchSemaphore(value: 0)
        store.maintenance.async { hold.wait() }
        defer { hold.signal() }
        for i in 0..<5 { try store.put(id: id("q\(i)"), text: text("q\(i)", edition: 0)) }
        #expect(try store.count("lần0", fold: false) == 5)  // the query tokenizes the five writes
        let queried = store.current
        let tail = try #require(queried.pendingSegment)
        try store.put(id: id("q9"), text: text("q9", edition: 0))  // a newer version, its tail not built
        store.flushPendingWrites()
        let now = store.current
        #expect(now.state.index.segments.last?.index === tail.index)
        #expect(now.state.index.pending.map(\.doc) == [5])
        #expect(try store.current.count("lần0", fold: false) == 6)
        #expect(try problems(in: store.current).isEmpty)
    }

    @Test("a merge built on an older version is published after a racing write, and dropped once its inputs are gone")
    func mergeAfterRacingPublication() throws {
        let store = ReportStore()
        // Hold the maintenance queue: no background flush or merge runs until the end.
        let hold = DispatchSemaphore(value: 0)
        store.maintenance.async { hold.wait() }
        defer { hold.signal() }
        // Three small segments, all live: the policy merges them.
        for round in 0..<3 {
            for i in 0..<4 { try store.put(id: id("m\(round)-\(i)"), text: text("m\(round)-\(i)", edition: 0)) }
            #expect(store.flushPendingWrites(from: store.current))
        }
        let base = store.current
        #expect(base.state.index.segments.count == 3)
        // A write races the merge: it touches no segment, so the merge still publishes.
        try store.put(id: id("late"), text: text("late", edition: 0))
        #expect(store.mergeOnce(from: base))
        #expect(store.current.state.index.segments.count == 1)
        #expect(store.current.state.index.pending.count == 1)
        // The same merge built on `base` again: its inputs are gone, so nothing is published.
        let number = store.current.number
        #expect(!store.mergeOnce(from: base))
        #expect(store.current.number == number)
        #expect(try store.current.count("chung", fold: false) == 13)
        #expect(try problems(in: store.current).isEmpty)
    }

    @Test("a compaction built on an older version keeps the units written since, and every text")
    func compactionAfterRacingWrite() throws {
        let store = ReportStore()
        for i in 0..<30 { try store.put(id: id("k\(i)"), text: text("k\(i)", edition: 0)) }
        for i in 0..<15 { try store.put(id: id("k\(i)"), text: text("k\(i)", edition: 1)) }
        let base = store.current
        #expect(base.state.arena.garbageBytes > 0)
        // Writes after the copy was taken: a replacement and a new report.
        try store.put(id: id("k20"), text: text("k20", edition: 2))
        try store.put(id: id("k99"), text: text("k99", edition: 2))
        store.compact(from: base)
        let now = store.current
        #expect(try now.text(for: id("k20")) == text("k20", edition: 2))
        #expect(try now.text(for: id("k99")) == text("k99", edition: 2))
        #expect(try now.text(for: id("k3")) == text("k3", edition: 1))
        #expect(try now.text(for: id("k25")) == text("k25", edition: 0))
        // The old chunks and their garbage are gone; the only garbage left is k20's unit of
        // edition 0, live when the copy was taken and replaced before it was adopted.
        let oldDoc = try #require(base.docNumber(for: id("k20")))
        let replaced = try #require(base.state.arena.entry(oldDoc))
        #expect(now.state.arena.garbageBytes == Int(replaced.length))
        #expect(try problems(in: now).isEmpty)
        // The base version still reads its own texts (its chunks are kept alive by it).
        #expect(try base.text(for: id("k20")) == text("k20", edition: 0))
    }

    @Test("work built before a reload replaced the contents is dropped, not merged into the new corpus")
    func reloadDropsOlderWork() throws {
        let store = ReportStore()
        for i in 0..<5 { try store.put(id: id("o\(i)"), text: text("o\(i)", edition: 0)) }
        let base = store.current
        let other = ReportStore()
        for i in 0..<3 { try other.put(id: id("n\(i)"), text: text("n\(i)", edition: 0)) }
        store.replaceContents(with: other)
        store.waitForIndexMaintenance()
        #expect(!store.flushPendingWrites(from: base))
        #expect(store.current.count == 3)
        #expect(try store.count("chung", fold: false) == 3)
        #expect(try store.text(for: id("o1")) == nil)
        #expect(try problems(in: store.current).isEmpty)
    }
}
