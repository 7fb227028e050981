// ReportID: a validated report identifier: 1...255 bytes of UTF-8, no '/', no control
// characters (C0, DEL, C1). Equality, hashing and order are those of the UTF-8 bytes (PROTOCOL.md
// §5.3: ids are compared byte for byte, with no normalisation), not Swift String's canonical
// equivalence, under which the NFC and NFD spellings of one name would be one report.
// Immutable value; safe anywhere.

/// The identifier of one report.
public struct ReportID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Longest ID in UTF-8 bytes.
    public static let maxBytes = 255

    /// The ID text.
    public let rawValue: String

    /// Validates `s`; nil when it is empty, longer than 255 UTF-8 bytes, or contains '/' or a
    /// control character.
    public init?(_ s: String) {
        let count = s.utf8.count
        guard count > 0, count <= Self.maxBytes else { return nil }
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2F { return nil }
        }
        rawValue = s
    }

    /// Why `s` is not a valid ID, or nil when it is.
    public static func problem(with s: String) -> String? {
        let count = s.utf8.count
        if count == 0 { return "empty report id" }
        if count > maxBytes { return "report id longer than \(maxBytes) bytes (\(count))" }
        if s.unicodeScalars.contains(where: { $0.value == 0x2F }) { return "report id contains '/'" }
        if ReportID(s) == nil { return "report id contains a control character" }
        return nil
    }

    public static func == (lhs: ReportID, rhs: ReportID) -> Bool {
        lhs.rawValue.utf8.elementsEqual(rhs.rawValue.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var text = rawValue
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte order of the UTF-8 (which is code point order).
    public static func < (lhs: ReportID, rhs: ReportID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    public var description: String { rawValue }
}
