// DictionaryResponse: the OK body of DICTIONARY — the preset deflate dictionary that kind-2
// items were compressed with (PROTOCOL.md §5.6). Wire: `u32 dictionaryID, blob dictionaryBytes`.
// Value type; thread-safe.

import NIOCore

/// The preset dictionary for kind-2 (deflate) items (PROTOCOL.md §5.6).
public struct DictionaryResponse: Sendable, Hashable {
    /// Identifies the dictionary; kind-2 items name the one they need.
    public var dictionaryID: UInt32
    /// The dictionary bytes, to pass to `inflateSetDictionary`.
    public var bytes: ByteBuffer

    /// Creates a DICTIONARY answer.
    public init(dictionaryID: UInt32, bytes: ByteBuffer) {
        self.dictionaryID = dictionaryID
        self.bytes = bytes
    }
}
