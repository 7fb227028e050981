// LogRecord: one write in the write-ahead log (a PUT or a DEL), and its payload encoding
// (docs/DURABILITY.md, "Log records"). A value type; safe anywhere.

/// One logged write. New kinds get new `Kind` values; old readers refuse them as damage.
public enum LogRecord: Sendable, Equatable {
    /// A report stored (or replaced) under `id` with the raw `text` bytes.
    case put(id: String, text: [UInt8])
    /// The report `id` removed.
    case delete(id: String)

    /// The kind byte on disk.
    public enum Kind: UInt8, Sendable {
        case put = 1
        case delete = 2
    }

    /// Largest ID, in UTF-8 bytes (the u16 length field).
    public static let maximumIDBytes = Int(UInt16.max)
    /// Largest kind+payload a record may carry; a length field above it is damage, not a huge
    /// allocation.
    public static let maximumBodyBytes = 256 << 20

    /// The kind of this record.
    public var kind: Kind {
        switch self {
        case .put: return .put
        case .delete: return .delete
        }
    }

    /// The report ID the record is about.
    public var id: String {
        switch self {
        case .put(let id, _), .delete(let id): return id
        }
    }

    /// Kind byte plus payload, the part the record CRC covers.
    ///
    ///     put:    kind=1 | u16 id length | id (UTF-8) | text (rest of the body)
    ///     delete: kind=2 | u16 id length | id (UTF-8)
    func encodeBody() throws -> [UInt8] {
        let idBytes = Array(id.utf8)
        guard idBytes.count <= Self.maximumIDBytes else {
            throw DurabilityError(
                .invalidArgument, "report ID is \(idBytes.count) bytes; the log allows \(Self.maximumIDBytes)")
        }
        var writer: ByteWriter
        switch self {
        case .put(_, let text):
            writer = ByteWriter(capacity: 3 + idBytes.count + text.count)
            writer.u8(Kind.put.rawValue)
            writer.u16(UInt16(idBytes.count))
            writer.raw(idBytes)
            writer.raw(text)
        case .delete:
            writer = ByteWriter(capacity: 3 + idBytes.count)
            writer.u8(Kind.delete.rawValue)
            writer.u16(UInt16(idBytes.count))
            writer.raw(idBytes)
        }
        guard writer.bytes.count <= Self.maximumBodyBytes else {
            throw DurabilityError(
                .invalidArgument, "record of \(writer.bytes.count) bytes exceeds \(Self.maximumBodyBytes)")
        }
        return writer.bytes
    }

    /// Decodes a body whose CRC already verified. Returns a reason string for bodies that can
    /// never be valid (unknown kind, ID length past the end, ID not UTF-8).
    static func decodeBody(_ body: UnsafeRawBufferPointer) -> Result<LogRecord, BodyProblem> {
        let reader = ByteReader(body)
        guard let kindByte = reader.u8(at: 0) else { return .failure(BodyProblem("empty record body")) }
        guard let kind = Kind(rawValue: kindByte) else {
            return .failure(BodyProblem("unknown record kind \(kindByte)"))
        }
        guard let idLength = reader.u16(at: 1), let idSlice = reader.slice(3..<(3 + Int(idLength))) else {
            return .failure(BodyProblem("record ID length runs past the record"))
        }
        guard let id = String(validating: idSlice, as: UTF8.self) else {
            return .failure(BodyProblem("record ID is not UTF-8"))
        }
        let rest = 3 + Int(idLength)
        switch kind {
        case .put:
            return .success(.put(id: id, text: Array(reader.slice(rest..<body.count)!)))
        case .delete:
            guard rest == body.count else {
                return .failure(BodyProblem("delete record has \(body.count - rest) extra bytes"))
            }
            return .success(.delete(id: id))
        }
    }

    /// Why a checksummed body still cannot be decoded.
    struct BodyProblem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
