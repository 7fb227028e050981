// JSONLine: builds one JSON object on one line, by hand, because batch output must
// cost little more than its bytes: report texts are escaped straight from UTF-8 with
// no Foundation round trip. Invariant: `bytes` is always a valid JSON prefix.
/// One JSON Lines record under construction.
struct JSONLine {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var empty = true

    /// Adds `"key": "value"` with `value` given as UTF-8 bytes (invalid sequences become U+FFFD).
    mutating func string<C: Collection>(_ key: String, utf8 value: C) where C.Element == UInt8 {
        self.key(key)
        Self.appendQuoted(value, to: &bytes)
    }

    /// Adds `"key": "value"`.
    mutating func string(_ key: String, _ value: String) {
        string(key, utf8: value.utf8)
    }

    /// Adds `"key": number`.
    mutating func number(_ key: String, _ value: some BinaryInteger) {
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Adds `"key": number` for a floating-point value.
    mutating func number(_ key: String, _ value: Double) {
        self.key(key)
        bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    }

    /// Adds `"key": true|false`.
    mutating func bool(_ key: String, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Adds `"key": <raw JSON>`; `json` must already be valid JSON.
    mutating func raw(_ key: String, json: String) {
        self.key(key)
        bytes.append(contentsOf: json.utf8)
    }

    /// The record of a failed request in a batch: `{"<key>": value, "error": message, "status": …}`
    /// (no status when the request was refused before it was sent).
    static func failure(_ key: String, _ value: String, message: String, status: String?) -> [UInt8] {
        var line = JSONLine()
        line.string(key, value)
        line.string("error", message)
        if let status { line.string("status", status) }
        return line.finished()
    }

    /// The finished line, with its closing brace and newline.
    func finished() -> [UInt8] {
        bytes + [UInt8(ascii: "}"), UInt8(ascii: "\n")]
    }

    private mutating func key(_ key: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        Self.appendQuoted(key.utf8, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends `value` as a JSON string literal.
    static func appendQuoted<C: Collection>(_ value: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        // Valid UTF-8 passes through; anything else is decoded with replacement so the output
        // is always valid JSON. One contiguous view of the bytes serves both steps.
        let copied: Void? = value.withContiguousStorageIfAvailable { appendChecked($0, to: &out) }
        if copied == nil { Array(value).withUnsafeBufferPointer { appendChecked($0, to: &out) } }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendChecked(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if String(validating: bytes, as: UTF8.self) == nil {
            var repaired = String(decoding: bytes, as: UTF8.self)
            repaired.withUTF8 { appendEscaped($0, to: &out) }
        } else {
            appendEscaped(bytes, to: &out)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes what JSON requires, and also DEL, the C1 controls (U+0080-U+009F, UTF-8
    /// C2 80-C2 9F) and the format characters TerminalText shows as `\u{HHHH}` (bidi controls,
    /// U+2028, U+2029, U+FEFF), which JSON allows raw, so JSON shown on a terminal cannot drive
    /// it or reorder what it shows; a JSON reader decodes each escape back to the same text.
    /// Runs of plain bytes are copied whole.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var start = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x7F && byte != 0xC2 && byte != 0xD8 && byte != 0xE2
                && byte != 0xEF
            {
                index += 1
                continue
            }
            // A lead byte: escaped only when it starts a C1 control or a format character.
            var scalar: UInt32?
            var length = 1
            if byte == 0xC2 {
                guard index + 1 < count, (0x80...0x9F).contains(bytes[index + 1]) else {
                    index += 1
                    continue
                }
                (scalar, length) = (UInt32(bytes[index + 1]), 2)
            } else if byte >= 0x80 {
                guard let (format, formatLength) = TerminalText.formatCharacter(bytes, at: index) else {
                    index += 1
                    continue
                }
                (scalar, length) = (format, formatLength)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            switch scalar ?? UInt32(byte) {
            case 0x22: out.append(contentsOf: [92, 34])
            case 0x5C: out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case let code:  // other C0 controls, DEL, C1 controls and format characters
                out.append(contentsOf: [92, UInt8(ascii: "u")])
                for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((code >> UInt32(shift)) & 15)]) }
            }
            index += length
            start = index
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<count]))
    }
}
