// TerminalText: text from reports (titles, snippets, whole reports on a terminal) made inert
// before it reaches a person's terminal. A report is anyone's input: raw ESC, BEL, DEL or a C1
// control (U+0080-U+009F, e.g. U+009B, CSI) in it would let the report retitle the window,
// clear the screen or worse. Each such character is shown as `\xHH` (its code point in hex,
// as redis-cli quotes bytes); tab stays, and newlines stay or become spaces as the caller says.
// The invisible characters that reorder or break what a person reads are shown as `\u{HHHH}`
// (four upper-case hex digits, as Swift spells a scalar): the bidi controls (Unicode's
// Bidi_Control: U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069, with which a report can
// make `abc` display as `cba` or hide a word behind another), the line and paragraph separators
// U+2028-U+2029 and U+FEFF (a byte-order mark, invisible, wherever it is). Joiners (U+200C,
// U+200D) and the zero-width space stay: some scripts need them, and they reorder nothing.
// Invalid UTF-8 becomes U+FFFD. Stateless; thread-safe.

/// Control characters shown as visible escapes.
enum TerminalText {
    /// What to do with line breaks (LF, and CR just before LF).
    enum Newlines {
        /// Keep them (a whole report on a terminal).
        case keep
        /// Show each as one space (one-line fields: titles, snippets).
        case space
    }

    /// `text` with every control character but tab (and line breaks, per `newlines`) shown as
    /// `\xHH`, and every bidi control, U+2028, U+2029 and U+FEFF as `\u{HHHH}`.
    static func inert(_ text: String, newlines: Newlines = .space) -> String {
        guard needsWork(text.utf8) else { return text }
        return String(decoding: inert(utf8: Array(text.utf8), newlines: newlines), as: UTF8.self)
    }

    /// UTF-8 `bytes` made inert as ``inert(_:newlines:)`` does; invalid sequences become U+FFFD.
    static func inert<C: Collection<UInt8>>(utf8 bytes: C, newlines: Newlines) -> [UInt8] {
        var valid = Array(bytes)
        if String(validating: valid, as: UTF8.self) == nil {
            valid = Array(String(decoding: valid, as: UTF8.self).utf8)
        }
        guard needsWork(valid) else { return valid }
        var out: [UInt8] = []
        out.reserveCapacity(valid.count + 16)
        var index = 0
        while index < valid.count {
            let byte = valid[index]
            if byte == 0x0A {
                out.append(newlines == .keep ? 0x0A : 0x20)
            } else if byte == 0x0D, index + 1 < valid.count, valid[index + 1] == 0x0A {
                // CR LF: one line break.
                out += newlines == .keep ? [0x0D, 0x0A] : [0x20]
                index += 1
            } else if byte == 0x09 {
                out.append(byte)
            } else if byte < 0x20 || byte == 0x7F {
                escape(byte, into: &out)
            } else if byte == 0xC2, index + 1 < valid.count, (0x80...0x9F).contains(valid[index + 1]) {
                escape(valid[index + 1], into: &out)
                index += 1
            } else if let (scalar, length) = formatCharacter(valid, at: index) {
                escape(scalar: scalar, into: &out)
                index += length - 1
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// A query or id as a message shows it: inert, and cut after 100 characters.
    static func excerpt(_ text: String) -> String {
        let shown = inert(text)
        return shown.count > 100 ? String(shown.prefix(100)) + "… (\(text.utf8.count) bytes)" : shown
    }

    /// Whether `bytes` hold anything ``inert(utf8:newlines:)`` might change (besides invalid
    /// UTF-8): a C0 control or DEL, or the lead byte of a C1 control (C2) or of a format
    /// character (D8 for U+061C, E2 for U+2000-U+2FFF, EF for U+FEFF).
    private static func needsWork<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 || $0 == 0xEF }
    }

    /// The format character shown as `\u{HHHH}` (JSONLine: `\uhhhh`) that starts at `index` of
    /// valid UTF-8, and its length in bytes; nil for any other character.
    static func formatCharacter<C: RandomAccessCollection<UInt8>>(_ bytes: C, at index: Int) -> (UInt32, Int)?
    where C.Index == Int {
        let lead = bytes[index]
        if lead == 0xD8, index + 1 < bytes.endIndex, bytes[index + 1] == 0x9C { return (0x061C, 2) }
        guard lead == 0xE2 || lead == 0xEF, index + 2 < bytes.endIndex else { return nil }
        let scalar = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        switch scalar {
        case 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069, 0xFEFF: return (scalar, 3)
        default: return nil
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func escape(_ code: UInt8, into out: inout [UInt8]) {
        out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(code >> 4)], hex[Int(code & 15)]]
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func escape(scalar: UInt32, into out: inout [UInt8]) {
        out += Array("\\u{".utf8)
        for shift in stride(from: 12, through: 0, by: -4) { out.append(upperHex[Int((scalar >> UInt32(shift)) & 15)]) }
        out.append(UInt8(ascii: "}"))
    }
}
