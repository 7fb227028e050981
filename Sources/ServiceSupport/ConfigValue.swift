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
        guard let number = Int(digits), let multiplier = sizeMultiplier(unit) else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// Whether `text` is spelled as a size (digits, then a known unit or none) but is more
    /// bytes than an `Int` holds (`9999999999G`): too large, rather than malformed.
    public static func sizeOverflows(_ text: String) -> Bool {
        let (digits, unit) = splitNumber(text)
        return !digits.isEmpty && sizeMultiplier(unit) != nil && size(text) == nil
    }

    /// Bytes per unit of a size, or nil for an unknown unit.
    private static func sizeMultiplier(_ unit: String) -> Int? {
        switch unit {
        case "", "B": return 1
        case "k", "K", "KiB": return 1 << 10
        case "M", "MiB": return 1 << 20
        case "G", "GiB": return 1 << 30
        default: return nil
        }
    }

    /// A duration from `250ms`, `30s`, `5m`, `2h`; a bare `0` means zero (often "disabled").
    public static func duration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let (digits, unit) = splitNumber(text)
        guard let number = Int64(digits), let milliseconds = durationMultiplier(unit) else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: milliseconds)
        return overflow ? nil : .milliseconds(product)
    }

    /// Whether `text` is spelled as a duration (digits and a unit) but is more milliseconds than
    /// an `Int64` holds (`9999999999999999999h`): too long, rather than malformed.
    public static func durationOverflows(_ text: String) -> Bool {
        let (digits, unit) = splitNumber(text)
        return !digits.isEmpty && durationMultiplier(unit) != nil && duration(text) == nil
    }

    /// Milliseconds per unit of a duration, or nil for an unknown unit or none: a bare number is
    /// ambiguous (seconds? ms?), so a unit is required.
    private static func durationMultiplier(_ unit: String) -> Int64? {
        switch unit {
        case "ms": return 1
        case "s": return 1_000
        case "m": return 60_000
        case "h": return 3_600_000
        default: return nil
        }
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
