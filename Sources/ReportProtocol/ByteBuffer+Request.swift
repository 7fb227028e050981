// ByteBuffer+Request: encodes a Request as one complete frame (PROTOCOL.md §3, §5).
//
// The header is written with a zero body length that is patched once the body is written, so no
// intermediate buffer is built. Extension on a value type; no shared state.

import NIOCore

extension ByteBuffer {
    /// Writes `request` as a full frame (header + body) with the given request id.
    /// - Returns: the number of bytes written.
    @discardableResult
    public mutating func writeRequest(_ request: Request, requestID: UInt32) -> Int {
        let start = writerIndex
        writeFrameHeader(
            FrameHeader(opcode: request.opcode, flags: request.flags, requestID: requestID, bodyLength: 0))
        let lengthIndex = start + 8
        switch request {
        case .hello(let version, let name):  // §5.1
            writeInteger(version, endianness: .big)
            writeWireString(name)
        case .ping(let payload):  // §5.2
            var payload = payload
            writeBuffer(&payload)
        case .get(let id, _), .delete(let id):  // §5.3, §5.10
            writeWireString(id)
        case .mget(let ids, _):  // §5.4
            writeInteger(UInt32(ids.count), endianness: .big)
            for id in ids { writeWireString(id) }
        case .stats, .dictionary, .snapshot, .reload, .shutdown:
            break
        case .search(let search):  // §5.7
            writeMultipleIntegers(search.limit, search.offset, endianness: .big)
            writeWireString(search.query)
        case .count(let query, _):  // §5.8
            writeWireString(query)
        case .put(let id, let text):  // §5.9
            writeWireString(id)
            writeWireBlob(text)
        }
        patchBodyLength(at: lengthIndex)
        return writerIndex - start
    }

    /// Sets the u32 body length at `index` (the header's offset 8) to the bytes written after it
    /// and the 4 length bytes themselves, i.e. from the end of the header to the writer index.
    public mutating func patchBodyLength(at index: Int) {
        let bodyLength = writerIndex - (index + 4)
        setInteger(UInt32(bodyLength), at: index, endianness: .big)
    }
}
