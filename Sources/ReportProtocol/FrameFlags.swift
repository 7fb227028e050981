// FrameFlags: the flag byte at offset 3 of the frame header (PROTOCOL.md §4.3).
//
// Bit 0x80 marks a response; bit 0x01 is per-command (RAW on GET/MGET, FOLD on SEARCH/COUNT),
// so `raw` and `fold` share a value; bits 0x02 IDS_ONLY, 0x04 ALL_WORDS and 0x08 DETAILS are SEARCH's. Other bits are reserved:
// sent as 0, ignored on receipt.
// A value type; safe to use from any thread.

/// The flag byte of a frame header (PROTOCOL.md §4.3).
public struct FrameFlags: OptionSet, Hashable, Sendable {
    /// The byte on the wire.
    public let rawValue: UInt8

    /// Wraps any byte; reserved bits are kept so a receiver may ignore them.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// 0x80: set on every server frame, never on a request.
    public static let response = FrameFlags(rawValue: 0x80)
    /// 0x01 on GET/MGET: return the stored deflate bytes instead of inflated text.
    public static let raw = FrameFlags(rawValue: 0x01)
    /// 0x01 on SEARCH/COUNT: fold case and Vietnamese diacritics when matching.
    public static let fold = FrameFlags(rawValue: 0x01)
    /// 0x02 on SEARCH: hits carry id and score only (empty title and snippet, no matches).
    public static let idsOnly = FrameFlags(rawValue: 0x02)

    /// 0x04 on SEARCH: rank only reports matching every clause (the strict page).
    public static let allWords = FrameFlags(rawValue: 0x04)
    /// 0x08 on SEARCH: the answer carries the details block after the hits (words matched per hit).
    public static let details = FrameFlags(rawValue: 0x08)

    /// The bits version 1 defines; everything else is reserved.
    public static let defined: FrameFlags = [.response, .raw, .idsOnly, .allWords, .details]
}
