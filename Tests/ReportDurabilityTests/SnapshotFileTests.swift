// Snapshot files: round trip, every byte flipped, every truncation, versions.
import Testing

@testable import ReportDurability

@Suite("Snapshot files")
struct SnapshotFileTests {
    static let sections = [
        SnapshotSection(name: "meta", bytes: Array("{\"reports\":3}".utf8)),
        SnapshotSection(name: "dictionary", bytes: Bytes.pseudoRandom(count: 300, seed: 1)),
        SnapshotSection(name: "empty", bytes: []),
        SnapshotSection(name: "arena", bytes: Bytes.pseudoRandom(count: 1500, seed: 2)),
        SnapshotSection(name: "chỉ mục", bytes: Bytes.pseudoRandom(count: 200, seed: 3)),
    ]

    @Test("sections, generation and next LSN round-trip; the temporary file is gone")
    func roundTrip() throws {
        let dir = TestDirectory()
        let path = dir.file("snapshot.rdsnap")
        let size = try SnapshotFile.write(Self.sections, generation: 7, nextLSN: 1234, to: path)
        let snapshot = try SnapshotFile.read(path: path)
        #expect(snapshot.sections == Self.sections)
        #expect(snapshot.generation == 7 && snapshot.nextLSN == 1234)
        #expect(snapshot.fileLength == size && FileSystem.size(path) == size)
        #expect(snapshot.section("arena")?.bytes.count == 1500)
        #expect(dir.names() == ["snapshot.rdsnap"])
    }

    @Test("a snapshot with no sections is valid")
    func emptySnapshot() throws {
        let dir = TestDirectory()
        try SnapshotFile.write([], generation: 0, nextLSN: 0, to: dir.file("s"))
        #expect(try SnapshotFile.read(path: dir.file("s")).sections.isEmpty)
    }

    @Test("repeated or empty section names are refused")
    func badSectionNames() {
        let dir = TestDirectory()
        let repeated = [SnapshotSection(name: "a", bytes: []), SnapshotSection(name: "a", bytes: [])]
        #expect(
            durabilityError { try SnapshotFile.write(repeated, generation: 1, nextLSN: 0, to: dir.file("s")) }?.code
                == .invalidArgument)
        #expect(
            durabilityError {
                try SnapshotFile.write([.init(name: "", bytes: [])], generation: 1, nextLSN: 0, to: dir.file("s"))
            }?.code == .invalidArgument)
    }

    @Test("a flipped byte at any offset is refused with the file and an offset")
    func everyByteFlipped() throws {
        let dir = TestDirectory()
        let path = dir.file("snapshot.rdsnap")
        try SnapshotFile.write(Self.sections, generation: 2, nextLSN: 9, to: path)
        let original = Bytes.read(path)
        for offset in 0..<original.count {
            Bytes.patch(path, at: offset, to: original[offset] ^ 0x5A)
            defer { Bytes.patch(path, at: offset, to: original[offset]) }
            let error = durabilityError { try SnapshotFile.read(path: path) }
            #expect(error != nil, "flip at \(offset) accepted")
            #expect(error?.path == path && error?.offset != nil)
            if (8..<12).contains(offset) {
                #expect(error?.code == .unsupportedVersion)
            } else {
                #expect(
                    error?.code == .damaged || error?.code == .truncated,
                    "flip at \(offset): \(String(describing: error))")
            }
        }
    }

    @Test("a flipped byte inside a section names the section and its offset")
    func sectionDamageNamed() throws {
        let dir = TestDirectory()
        let path = dir.file("snapshot.rdsnap")
        try SnapshotFile.write(Self.sections, generation: 2, nextLSN: 9, to: path)
        let arenaOffset = 40 + Self.sections[0].bytes.count + Self.sections[1].bytes.count
        Bytes.write(Bytes.flipped(Bytes.read(path), at: arenaOffset + 700), to: path)
        let error = durabilityError { try SnapshotFile.read(path: path) }
        #expect(error?.code == .damaged)
        #expect(error?.offset == UInt64(arenaOffset))
        #expect(error?.message.contains("\"arena\"") == true)
        #expect(error?.message.contains("--repair") == true)
    }

    @Test("a snapshot cut at any length is refused as truncated")
    func everyTruncation() throws {
        let dir = TestDirectory()
        let path = dir.file("snapshot.rdsnap")
        try SnapshotFile.write(Self.sections, generation: 2, nextLSN: 9, to: path)
        let original = Bytes.read(path)
        for length in (0..<original.count).reversed() {
            Bytes.truncate(path, to: length)
            #expect(FileSystem.size(path) == UInt64(length))
            let error = durabilityError { try SnapshotFile.read(path: path) }
            #expect(error?.code == .truncated, "cut at \(length): \(String(describing: error))")
        }
    }

    @Test("a snapshot of an unknown format version is refused as such")
    func unknownVersion() throws {
        let dir = TestDirectory()
        let path = dir.file("snapshot.rdsnap")
        try SnapshotFile.write(Self.sections, generation: 2, nextLSN: 9, to: path)
        var bytes = Bytes.read(path)
        bytes[8] = 9
        Bytes.write(bytes, to: path)
        let error = durabilityError { try SnapshotFile.read(path: path) }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.offset == 8)
        #expect(error?.description.contains("version 9") == true)
    }

    @Test("writing over an existing snapshot replaces it atomically")
    func overwrite() throws {
        let dir = TestDirectory()
        let path = dir.file("s")
        try SnapshotFile.write(Self.sections, generation: 1, nextLSN: 0, to: path)
        try SnapshotFile.write([Self.sections[0]], generation: 2, nextLSN: 5, to: path)
        #expect(try SnapshotFile.read(path: path).sections == [Self.sections[0]])
    }
}
