// ServiceSupportError: the one error type of the ServiceSupport module.
//
// A struct carrying a `Code` plus whatever context locates the problem: a file path and line
// for configuration errors, a file descriptor or errno for system calls, an environment
// variable name for systemd's hand-over variables. New codes can be added without breaking
// callers that switch over the ones they care about. Values are immutable and Sendable.
import Glibc

/// An error raised by ServiceSupport: a code plus the context that locates it.
public struct ServiceSupportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of where.
    public enum Code: Sendable, Equatable {
        /// A systemd hand-over variable (`NOTIFY_SOCKET`, `LISTEN_FDS`, `WATCHDOG_USEC`...) is malformed.
        case invalidEnvironment
        /// An inherited file descriptor is not a listening AF_UNIX stream socket.
        case notAListeningSocket
        /// A system call failed; `errno` holds the reason.
        case systemCallFailed
        /// A configuration line does not follow the `key = value` syntax.
        case configSyntax
        /// A configuration key is not one the daemon knows.
        case configUnknownKey
        /// A single-valued configuration key appears more than once.
        case configDuplicateKey
        /// A configuration value does not parse as the type its key needs.
        case configInvalidValue
        /// A file could not be read.
        case fileUnreadable
        /// A user name does not exist in the password database.
        case unknownUser
        /// A group name does not exist in the group database.
        case unknownGroup
        /// A notification field is malformed (empty key, `=` in a key, newline in a value).
        case invalidNotification
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, without the location prefix.
    public var message: String
    /// The file involved (configuration file, socket path), if any.
    public var path: String?
    /// The 1-based line in `path`, for configuration errors.
    public var line: Int?
    /// The file descriptor involved, for socket errors.
    public var fileDescriptor: Int32?
    /// The `errno` value, for failed system calls.
    public var errno: Int32?

    /// Creates an error; pass only the context that applies.
    public init(
        _ code: Code, _ message: String, path: String? = nil, line: Int? = nil,
        fileDescriptor: Int32? = nil, errno: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.fileDescriptor = fileDescriptor
        self.errno = errno
    }

    /// `path:line: message`, `fd N: message`, with `(strerror)` appended when errno is set.
    public var description: String {
        var text = ""
        if let path {
            text += path
            if let line { text += ":\(line)" }
            text += ": "
        } else if let fileDescriptor {
            text += "fd \(fileDescriptor): "
        }
        text += message
        if let errno {
            text += " (\(String(cString: strerror(errno))), errno \(errno))"
        }
        return text
    }

    /// An error for a failed system call, capturing the current `errno`.
    static func systemCall(
        _ name: String, path: String? = nil, fileDescriptor: Int32? = nil, errno savedErrno: Int32 = Glibc.errno
    ) -> ServiceSupportError {
        ServiceSupportError(
            .systemCallFailed, "\(name) failed", path: path, fileDescriptor: fileDescriptor, errno: savedErrno)
    }
}
