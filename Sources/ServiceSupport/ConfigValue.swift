// ConfigValue: parsers for the typed values of reportd.conf (sizes, durations, modes, booleans).
//
// Each parser is strict and total: it returns nil for anything it does not fully accept
// (signs, blanks, overflow, unknown units) and never traps. Sizes take k/K/KiB, M/MiB, G/GiB
// and are binary (`64k` is 65536); SI spellings (`kB`, `MB`) are rejected rather than silently
// read as one or the other. Durations take ms, s, m (minutes), h and require the unit.
// Stateless: safe to call concurrently.

/// Strict parsers for configuration values.
public enum ConfigValue {
    /// Bytes from `4096`, `64k`, `64K`, `64KiB`, `16M`, `16MiB`, `1G`, `1GiB`, `512B`.
    public static func size(_ text: String) -> Int? {
        let (digits, unit) = splitNumber(text)
        guard let number = Int(digits) else { return nil }
        let multiplier: Int
        switch unit {
        case "", "B": multiplier = 1
        case "k", "K", "KiB": multiplier = 1 << 10
        case "M", "MiB": multiplier = 1 << 20
        case "G", "GiB": multiplier = 1 << 30
        default: return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// A duration from `250ms`, `30s`, `5m`, `2h`; a bare `0` means zero (often "disabled").
    public static func duration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let (digits, unit) = splitNumber(text)
        guard let number = Int64(digits) else { return nil }
        let milliseconds: Int64
        switch unit {
        case "ms": milliseconds = 1
        case "s": milliseconds = 1_000
        case "m": milliseconds = 60_000
        case "h": milliseconds = 3_600_000
        default: return nil  // a bare number is ambiguous (seconds? ms?): demand a unit
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: milliseconds)
        return overflow ? nil : .milliseconds(product)
    }

    /// Permission bits from octal `0660`, `660` or `2770`: one to four octal digits.
    public static func fileMode(_ text: String) -> UInt32? {
        guard (1...4).contains(text.count), text.utf8.allSatisfy({ (0x30...0x37).contains($0) }),
            let mode = UInt32(text, radix: 8)
        else { return nil }
        return mode
    }

    /// `yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`, in any letter case.
    public static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: return nil
        }
    }

    /// A non-negative decimal integer without sign, blanks or separators.
    public static func integer(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// Comma-separated items with blanks trimmed; nil if any item is empty (`a,,b`, `a,`).
    public static func list(_ text: String) -> [String]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        return items.contains(where: \.isEmpty) ? nil : items
    }

    /// Leading ASCII digits and the rest; both empty-safe. Signs never count as digits.
    private static func splitNumber(_ text: String) -> (digits: String, unit: String) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        return (String(digits), String(text.dropFirst(digits.count)))
    }
}
