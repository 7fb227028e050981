// Tests of when a write becomes visible: only once the log has it (a write whose log sync
// fails is never seen by any reader, not even while it waits for the sync), at the latest when
// it is acknowledged; and of writes resuming by themselves after the log failed — with an
// injected failing sync, and with a real full disk (a small tmpfs, mounted when the tests run
// as root).
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ReportDurability
import ReportEngine
import ReportStore
import Synchronization
import Testing

/// A sync function the test controls: it can hold syncs at a gate and make them fail.
final class ControlledSync: Sendable {
    private let state = Mutex<(failing: Bool, holding: Bool, held: Int)>((false, false, 0))
    private let released = DispatchSemaphore(value: 0)
    let entered = DispatchSemaphore(value: 0)

    var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    /// The next sync blocks (and signals `entered`) until `release()`.
    func holdNext() { state.withLock { $0.holding = true } }

    func release() { released.signal() }

    var function: @Sendable (Int32) -> Int32 {
        { [self] fd in
            let hold = state.withLock { s -> Bool in
                defer { s.holding = false }
                return s.holding
            }
            if hold {
                entered.signal()
                released.wait()
            }
            if failing {
                errno = EIO
                return -1
            }
            return fdatasync(fd)
        }
    }
}

@Suite("served corpus: a write is visible once logged, and writes resume after a log failure")
struct WriteVisibilityTests {
    static func open(_ path: String, sync: ControlledSync? = nil) throws -> ServedCorpus {
        var settings = PersistenceSettings(directory: path, appendfsync: .always, autoSnapshotMinimumLogBytes: .max)
        if let sync { settings.testingSyncFunction = sync.function }
        return try ServedCorpus.open(persistence: settings).0
    }

    static func put(_ corpus: ServedCorpus, _ id: String, _ text: String) -> Result<Void, EngineError> {
        put(corpus, id, Array(text.utf8))
    }

    static func put(_ corpus: ServedCorpus, _ id: String, _ text: [UInt8]) -> Result<Void, EngineError> {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Void, EngineError>?>(nil)
        corpus.put(id: id, text: text) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return outcome.withLock { $0 }!
    }

    static func text(_ corpus: ServedCorpus, _ id: String) throws -> String? {
        try corpus.store.text(for: ReportID(id)!).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a write waiting for its sync is seen by no reader; when the sync fails it never is, and the next write goes through")
    func failedWriteIsNeverSeen() throws {
        let path = ServedCorpusTests.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sync = ControlledSync()
        let corpus = try Self.open(path, sync: sync)
        #expect(try Self.put(corpus, "cu", "Bản cũ\nvẫn còn").get() == ())
        sync.holdNext()
        sync.failing = true
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Void, EngineError>?>(nil)
        corpus.put(id: "moi", text: Array("Báo cáo mới\nkhongthayduoc".utf8)) { result in
            outcome.withLock { $0 = result }
            finished.signal()
        }
        corpus.put(id: "cu", text: Array("Bản thay\nkhongthayduoc".utf8)) { _ in finished.signal() }
        sync.entered.wait()
        // The write is in the log's hands, not yet synced: nobody sees it.
        #expect(try Self.text(corpus, "moi") == nil)
        #expect(try Self.text(corpus, "cu") == "Bản cũ\nvẫn còn")
        #expect(corpus.store.count == 1)
        #expect(try corpus.store.count("khongthayduoc", fold: false) == 0)
        sync.release()
        finished.wait()
        finished.wait()
        #expect(outcome.withLock { $0 }.map { (try? $0.get()) == nil } == true)
        if case .failure(let error) = outcome.withLock({ $0 })! { #expect(error.code == .writeFailed) }
        #expect(try Self.text(corpus, "moi") == nil)
        #expect(try Self.text(corpus, "cu") == "Bản cũ\nvẫn còn")
        #expect(try corpus.store.count("khongthayduoc", fold: false) == 0)
        #expect(corpus.persistenceStatistics?.writesStopped == true)
        #expect((corpus.persistenceStatistics?.writeFailures ?? 0) >= 1)
        #expect(corpus.persistenceStatistics?.lastWriteError?.contains("fdatasync") == true)

        // The disk works again: writes resume without a restart.
        sync.failing = false
        #expect(try Self.put(corpus, "sau", "Sau sự cố").get() == ())
        #expect(try Self.text(corpus, "sau") == "Sau sự cố")
        #expect(corpus.persistenceStatistics?.writesStopped == false)
        #expect(try ServedCorpusTests.delete(corpus, "cu"))
        corpus.close()

        // A restart replays exactly the writes that were acknowledged.
        let reopened = try Self.open(path)
        defer { reopened.close() }
        #expect(try Self.text(reopened, "moi") == nil)
        #expect(try Self.text(reopened, "cu") == nil)
        #expect(try Self.text(reopened, "sau") == "Sau sự cố")
        #expect(reopened.store.count == 1)
    }

    @Test("an acknowledged write is readable in its completion, and a DEL pipelined after a PUT of a new id deletes it")
    func acknowledgedIsVisible() throws {
        let path = ServedCorpusTests.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let corpus = try Self.open(path)
        defer { corpus.close() }
        let seen = Mutex<[String]>([])
        let group = DispatchGroup()
        for i in 0..<40 {
            group.enter()
            corpus.put(id: "p\(i)", text: Array("Bài \(i)".utf8)) { result in
                let text = (try? corpus.store.text(for: ReportID("p\(i)")!)).flatMap { $0 }
                if case .success = result, text == nil { seen.withLock { $0.append("p\(i) missing at its ack") } }
                group.leave()
            }
        }
        group.enter()
        let deleted = Mutex<Bool?>(nil)
        corpus.delete(id: "p39") { result in
            deleted.withLock { $0 = try? result.get() }
            group.leave()
        }
        group.wait()
        #expect(seen.withLock { $0 }.isEmpty)
        #expect(deleted.withLock { $0 } == true)
        #expect(try Self.text(corpus, "p39") == nil)
        #expect(corpus.store.count == 39)
    }

    @Test(
        "a full disk (8 MiB tmpfs) refuses PUTs, none of them visible; once space is freed PUTs succeed without a restart",
        .enabled(if: TmpfsMount.canMount, "needs root (mount -t tmpfs) to make a small full disk"))
    func fullDiskRecovers() throws {
        let mount = try TmpfsMount(sizeMiB: 8)
        defer { mount.unmount() }
        let dataDir = mount.path + "/data"
        let corpus = try Self.open(dataDir)
        var closed = false
        defer { if !closed { corpus.close() } }
        // A text that compresses badly, so the log grows at about its raw size.
        var generator = SystemRandomNumberGenerator()
        func report(_ n: Int) -> [UInt8] {
            var bytes = Array("Báo cáo \(n)\n".utf8)
            for _ in 0..<(48 << 10) { bytes.append(UInt8(ascii: "a") + UInt8.random(in: 0..<26, using: &generator)) }
            return bytes
        }
        #expect(try Self.put(corpus, "truoc", report(0)).get() == ())
        // Fill the disk.
        let filler = mount.path + "/filler"
        let fd = Glibc.open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        let block = [UInt8](repeating: 7, count: 64 << 10)
        while block.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) > 0 {}
        Glibc.close(fd)

        var refused: [String] = []
        for i in 1...5 {
            if case .failure(let error) = Self.put(corpus, "day\(i)", report(i)) {
                #expect(error.code == .writeFailed)
                refused.append("day\(i)")
            }
        }
        #expect(!refused.isEmpty, "the full disk refused no PUT")
        for id in refused { #expect(try Self.text(corpus, id) == nil, "\(id) was refused but is served") }
        #expect(corpus.persistenceStatistics?.writesStopped == true)
        #expect(corpus.persistenceStatistics?.lastWriteError?.contains("No space") == true)

        // Free the space: the next PUT succeeds, no restart.
        unlink(filler)
        #expect(try Self.put(corpus, "sau", report(9)).get() == ())
        #expect(corpus.persistenceStatistics?.writesStopped == false)
        let served = Set(["truoc", "sau"] + (1...5).map { "day\($0)" }.filter { !refused.contains($0) })
        #expect(Set(corpus.store.reportIDs().map(\.rawValue)) == served)
        corpus.close()
        closed = true

        let reopened = try Self.open(dataDir)
        defer { reopened.close() }
        #expect(Set(reopened.store.reportIDs().map(\.rawValue)) == served)
    }
}

/// A small tmpfs mounted on a fresh directory (root only), for full-disk tests.
struct TmpfsMount {
    let path: String

    /// Whether this process may mount a tmpfs (tried once).
    static let canMount: Bool = {
        guard let probe = try? TmpfsMount(sizeMiB: 1) else { return false }
        probe.unmount()
        return true
    }()

    init(sizeMiB: Int) throws {
        path = NSTemporaryDirectory() + "reportd-tmpfs-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Glibc.mount("tmpfs", path, "tmpfs", 0, "size=\(sizeMiB)m") == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: path)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EPERM)
        }
    }

    func unmount() {
        umount2(path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(atPath: path)
    }
}
