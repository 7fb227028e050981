// ImportLedger: what `--import` and RELOAD last applied from the import sources — for each
// report id read from a source, the length and CRC-32 of its text then (docs/DURABILITY.md §9).
// An import applies a source report only when it is new or its fingerprint differs from the
// ledger's, so a PUT or DEL made since the last import of that report stays.
// Kept in DIR/imports.rdimp, in the snapshot container format (§5) with one section
// `fingerprints`, replaced atomically. A value type; reading and writing are safe anywhere.

/// The fingerprints of the source reports last imported into a data directory.
public struct ImportLedger: Sendable, Equatable {
    /// Length and CRC-32 of a source report's text.
    public struct Fingerprint: Sendable, Equatable {
        /// Text length in bytes.
        public var length: UInt32
        /// CRC-32 of the text.
        public var crc: UInt32

        /// A fingerprint of `length` bytes with `crc`.
        public init(length: UInt32, crc: UInt32) {
            self.length = length
            self.crc = crc
        }
    }

    /// Report id (its UTF-8 bytes: ids are compared byte for byte, so the NFC and NFD spellings
    /// of a name are two ids) → fingerprint of its text as last imported.
    public var fingerprints: [[UInt8]: Fingerprint]

    /// A ledger holding `fingerprints`.
    public init(fingerprints: [[UInt8]: Fingerprint] = [:]) {
        self.fingerprints = fingerprints
    }

    static let sectionName = "fingerprints"
    static let hint = "delete it to make the next import compare source texts with the stored ones instead"

    /// Writes the ledger atomically to `path` (temporary file, fsync, rename, directory fsync).
    /// - Throws: `.io`, `.invalidArgument` for an id over 65535 bytes; `path` is untouched then.
    public func write(to path: String) throws {
        var body = ByteWriter(capacity: 4 + fingerprints.count * 24)
        body.u32(UInt32(fingerprints.count))
        for (bytes, print) in fingerprints.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            guard bytes.count <= Int(UInt16.max) else {
                throw DurabilityError(.invalidArgument, "report id of \(bytes.count) bytes is too long for the ledger")
            }
            body.u16(UInt16(bytes.count))
            body.raw(bytes)
            body.u32(print.length)
            body.u32(print.crc)
        }
        try SnapshotFile.write(
            [SnapshotSection(name: Self.sectionName, bytes: body.bytes)], generation: 0, nextLSN: 0, to: path)
    }

    /// Reads the ledger at `path`; nil when there is none.
    /// - Throws: `.damaged` / `.truncated` naming the file and what to do, `.io`.
    public static func read(path: String) throws -> ImportLedger? {
        guard FileSystem.exists(path) else { return nil }
        let file: Snapshot
        do {
            file = try SnapshotFile.read(path: path)
        } catch let error as DurabilityError {
            throw DurabilityError(error.code, "import ledger: \(error.message); \(hint)", path: path, offset: error.offset)
        }
        guard let section = file.section(sectionName) else {
            throw DurabilityError(.damaged, "import ledger has no \(sectionName) section; \(hint)", path: path)
        }
        let ledger = section.bytes.withUnsafeBytes { raw -> ImportLedger? in
            let reader = ByteReader(raw)
            guard let count = reader.u32(at: 0) else { return nil }
            var at = 4
            var fingerprints: [[UInt8]: Fingerprint] = [:]
            fingerprints.reserveCapacity(Int(min(count, 1 << 24)))
            for _ in 0..<count {
                guard let idLength = reader.u16(at: at), let idBytes = reader.slice((at + 2)..<(at + 2 + Int(idLength))),
                    String(validating: idBytes, as: UTF8.self) != nil,
                    let length = reader.u32(at: at + 2 + Int(idLength)), let crc = reader.u32(at: at + 6 + Int(idLength))
                else { return nil }
                fingerprints[Array(idBytes)] = Fingerprint(length: length, crc: crc)
                at += 10 + Int(idLength)
            }
            return at == raw.count ? ImportLedger(fingerprints: fingerprints) : nil
        }
        guard let ledger else {
            throw DurabilityError(.damaged, "import ledger entries do not parse; \(hint)", path: path)
        }
        return ledger
    }
}
