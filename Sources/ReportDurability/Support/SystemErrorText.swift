// SystemErrorText: turns an errno into the C library's message. Stateless; safe anywhere.
import Glibc

/// Text for errno values, for error messages.
enum SystemErrorText {
    /// `strerror(code)` as a Swift string.
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
