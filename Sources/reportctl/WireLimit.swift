// WireLimit: the 65,535-byte limit on a `str` field (PROTOCOL.md §2, §7), checked before
// anything is sent: the encoder would cut a longer string, so the server would answer a
// different question than the one asked. Stateless.
import NIOCore
import ReportClient
import ReportProtocol

/// Refusals for strings the wire cannot carry.
enum WireLimit {
    static let maxBytes = ByteBuffer.maxWireStringBytes

    /// Why `value`, sent as `what` (query, id), cannot be sent; nil when it fits.
    static func refusal(_ what: String, _ value: String) -> String? {
        let size = value.utf8.count
        guard size > maxBytes else { return nil }
        return "\(what) is \(size) bytes; the protocol carries at most \(maxBytes) (PROTOCOL.md §7), so it was not sent"
    }

    /// The first refusal among `values`, for a command's arguments.
    static func check(_ what: String, _ values: [String]) throws(ClientError) {
        for value in values {
            if let reason = refusal(what, value) { throw ClientError(.invalidArgument, reason) }
        }
    }
}
