// ByteBuffer+Response: encodes server answers (PROTOCOL.md §3, §5, §6).
//
// Two ways in: `writeResponse` for a whole Response value, and the hot-path pieces
// (`writeResponseHeader`, `writeStatus`, the `writeReportItem...` family, `patchBodyLength`) for
// the server loop that writes stored bytes directly without building a Response. Both produce
// identical bytes. Extension on a value type; no shared state.
//
//   let lengthIndex = out.writeResponseHeader(opcode: .get, requestID: id)
//   out.writeStatus(.ok)
//   out.writeReportItemPlain(length: textLength) { try unit.inflate(into: $0) }
//   out.patchBodyLength(at: lengthIndex)

import NIOCore

extension ByteBuffer {
    /// Writes a response header (RESPONSE flag, version 1) with a zero body length.
    /// - Returns: the index of the body-length field, for `patchBodyLength(at:)`.
    @discardableResult
    public mutating func writeResponseHeader(opcode: Opcode, requestID: UInt32) -> Int {
        let start = writerIndex
        writeFrameHeader(FrameHeader(opcode: opcode, flags: .response, requestID: requestID, bodyLength: 0))
        return start + 8
    }

    /// Writes the `u16 status` that opens every response body (§4.2).
    @discardableResult
    public mutating func writeStatus(_ status: Status) -> Int {
        writeInteger(status.rawValue, endianness: .big)
    }

    /// Writes a complete error frame: header, status, `str message` (§6).
    @discardableResult
    public mutating func writeFailure(_ status: Status, message: String, to opcode: Opcode, requestID: UInt32) -> Int {
        writeResponse(.failure(status, message), to: opcode, requestID: requestID)
    }

    /// Writes `response` as a full frame answering `opcode` with the given request id.
    /// - Returns: the number of bytes written.
    @discardableResult
    public mutating func writeResponse(_ response: Response, to opcode: Opcode, requestID: UInt32) -> Int {
        let start = writerIndex
        let lengthIndex = writeResponseHeader(opcode: opcode, requestID: requestID)
        writeStatus(response.status)
        switch response {
        case .hello(let hello):  // §5.1
            writeInteger(hello.serverVersion, endianness: .big)
            writeMultipleIntegers(hello.maxFrameBytes, hello.maxBatchItems, hello.maxReportBytes, endianness: .big)
            writeWireString(hello.serverName)
        case .pong(let payload):  // §5.2
            var payload = payload
            writeBuffer(&payload)
        case .report(let item):  // §5.3
            writeReportItem(item)
        case .reports(let items):  // §5.4
            writeInteger(UInt32(items.count), endianness: .big)
            for item in items { writeReportItem(item) }
        case .stats(let entries):  // §5.5: at most 65,535 entries fit the u16 count
            let entries = entries.prefix(Int(UInt16.max))
            writeInteger(UInt16(entries.count), endianness: .big)
            for entry in entries {
                writeWireString(entry.key)
                writeInteger(entry.value, endianness: .big)
            }
        case .dictionary(let dictionary):  // §5.6
            writeInteger(dictionary.dictionaryID, endianness: .big)
            writeWireBlob(dictionary.bytes)
        case .search(let search):  // §5.7
            writeMultipleIntegers(search.totalHits, UInt32(search.hits.count), endianness: .big)
            for hit in search.hits { writeSearchHit(hit) }
            if let details = search.details {
                writeInteger(details.queryWords, endianness: .big)
                for i in search.hits.indices {
                    writeInteger(i < details.matchedWords.count ? details.matchedWords[i] : 0, endianness: .big)
                }
                let suggestions = details.suggestions.prefix(Int(UInt16.max))
                writeInteger(UInt16(suggestions.count), endianness: .big)
                for s in suggestions {
                    writeWireString(s.word)
                    writeWireString(s.suggestion)
                }
            }
        case .count(let count):  // §5.8
            writeInteger(count, endianness: .big)
        case .done:
            break
        case .failure(_, let message):  // §6
            writeWireString(message)
        }
        patchBodyLength(at: lengthIndex)
        return writerIndex - start
    }
}
