// ExitStatus: maps client failures to the documented exit codes and prints the
// message on stderr, so every subcommand fails the same way.
import ArgumentParser
import ReportClient
import ReportProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The documented exit codes of reportctl (see `reportctl --help`).
enum ExitStatus {
    static let notFound: Int32 = 1
    static let badRequest: Int32 = 65
    static let cannotConnect: Int32 = 69
    static let timedOut: Int32 = 75
    /// stdout could not be written (EX_IOERR).
    static let outputFailed: Int32 = 74
    static let serverError: Int32 = 70
    static let protocolError: Int32 = 76

    /// Prints `error` on stderr and returns the exit code to throw.
    static func fail(_ error: ClientError) -> ExitCode {
        StandardError.print("reportctl: \(error.message)")
        return ExitCode(code(for: error))
    }

    /// The exit code for a client failure.
    static func code(for error: ClientError) -> Int32 {
        switch error.code {
        case .cannotConnect: return cannotConnect
        case .connectionClosed, .protocolViolation: return protocolError
        case .invalidArgument: return ExitCode.validationFailure.rawValue
        case .timedOut: return timedOut
        case .server(let status):
            switch status {
            case .notFound: return notFound
            case .badRequest, .badQuery, .tooManyItems, .frameTooLarge: return badRequest
            case .busy: return cannotConnect
            default: return serverError
            }
        }
    }
}

/// Unbuffered writes to stderr.
enum StandardError {
    /// Writes `message` and a newline to stderr.
    static func print(_ message: String) {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Unbuffered writes to stdout, for text that must not wait behind a buffer (the shell).
enum StandardOutput {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}
