// PseudoTerminal: a pty pair for tests that must see reportctl as a person at a terminal
// does (the shell, colour, wrapping): the child gets the slave side as stdin, stdout and
// stderr; the test types into the master side and reads what the child writes there.
// Not thread-safe: one test owns it.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class PseudoTerminal {
    let master: Int32
    private var slave: Int32
    private var output: [UInt8] = []
    private var mark = 0

    /// Opens a pty `columns` wide.
    init(columns: UInt16 = 100) throws {
        // posix_openpt/unlockpt/ptsname are hidden from Swift's Glibc module (they need
        // _XOPEN_SOURCE); on Linux they are these two ioctls on /dev/ptmx.
        let unlock: UInt = 0x4004_5431  // TIOCSPTLCK
        let number: UInt = 0x8004_5430  // TIOCGPTN
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var locked: Int32 = 0
        var index: UInt32 = 0
        guard master >= 0, ioctl(master, unlock, &locked) == 0, ioctl(master, number, &index) == 0 else {
            throw TestFailure("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        slave = open("/dev/pts/\(index)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw TestFailure("cannot open /dev/pts/\(index)") }
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    deinit {
        close(master)
        if slave >= 0 { close(slave) }
    }

    /// Starts `executable` on the terminal.
    func spawn(_ executable: URL, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        // Only the child holds the slave now, so reads see end of output when it exits.
        close(slave)
        slave = -1
        return process
    }

    /// Types `text` as if at the keyboard.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything written since the previous call, once it contains `expected` (or the child
    /// closed the terminal, or `timeout` passed — the caller's expectation then fails).
    @discardableResult
    func read(until expected: String, timeout: Double = 15) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while !String(decoding: output[mark...], as: UTF8.self).contains(expected), Date() < deadline {
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) >= 0 else { break }
            guard entry.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
            if n <= 0 { break }  // EIO: the child closed its side
            output += chunk[0..<n]
        }
        let text = String(decoding: output[mark...], as: UTF8.self)
        mark = output.count
        return text
    }
}
