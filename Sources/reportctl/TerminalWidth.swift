// TerminalWidth: how wide stdout's terminal is, for wrapping snippets at word boundaries.
// Stateless.
#if canImport(Glibc)
import Glibc
#endif

/// The terminal's width in columns when stdout is a terminal, else nil (no wrapping).
enum TerminalWidth {
    static var ofStandardOutput: Int? {
        guard isatty(1) == 1 else { return nil }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
        return 80
    }
}
