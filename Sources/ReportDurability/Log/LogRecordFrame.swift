// LogRecordFrame: how one record sits in a log file: marker, body length, CRC, body
// (docs/DURABILITY.md, "Log records"). Encoding and the single-offset parse used by LogReader.
// Stateless; safe anywhere.
import ReportChecksum

/// The framing around a record body.
///
///     offset  0  u32 marker 0xFE4452FF   bytes FF 52 44 FE ("\xFFRD\xFE": never valid UTF-8)
///             4  u32 body length         kind byte + payload, 1...LogRecord.maximumBodyBytes
///             8  u32 crc32(body)
///            12  body: u8 kind | payload
enum LogRecordFrame {
    static let marker: UInt32 = 0xFE44_52FF
    static let headerSize = 12

    /// Marker, length and CRC followed by `body`.
    static func encode(body: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: headerSize + body.count)
        writer.u32(marker)
        writer.u32(UInt32(body.count))
        writer.u32(Checksum.crc32(body))
        writer.raw(body)
        return writer.bytes
    }

    /// The outcome of parsing at one offset.
    enum Parse {
        /// A verified record and the offset just past it.
        case record(LogRecord, end: Int)
        /// The bytes run out before the frame's end: a torn tail if nothing valid follows.
        case incomplete(reason: String)
        /// The frame is complete but wrong (marker, length, CRC, or body).
        case invalid(reason: String)
    }

    /// Parses the frame that starts at `offset`.
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Parse {
        let reader = ByteReader(bytes)
        guard offset + headerSize <= bytes.count else {
            return .incomplete(reason: "record header cut short (\(bytes.count - offset) of \(headerSize) bytes)")
        }
        guard reader.u32(at: offset)! == marker else { return .invalid(reason: "no record marker") }
        let length = Int(reader.u32(at: offset + 4)!)
        guard length >= 1, length <= LogRecord.maximumBodyBytes else {
            return .invalid(reason: "impossible record length \(length)")
        }
        let end = offset + headerSize + length
        guard end <= bytes.count else {
            return .incomplete(reason: "record of \(length) bytes cut short at \(bytes.count - offset - headerSize)")
        }
        let body = reader.slice((offset + headerSize)..<end)!
        guard Checksum.crc32(body) == reader.u32(at: offset + 8)! else {
            return .invalid(reason: "record checksum mismatch")
        }
        switch LogRecord.decodeBody(body) {
        case .success(let record): return .record(record, end: end)
        case .failure(let problem): return .invalid(reason: problem.reason)
        }
    }
}
