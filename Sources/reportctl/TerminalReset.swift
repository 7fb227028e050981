// TerminalReset: Ctrl-C while a command prints in colour stops reportctl, as on the command line,
// but first ends any bold run the interrupted output left open (ESC [ 0 m), so the prompt the user
// returns to is not bold. Installed for text output with escapes (SearchPrinter's matches and
// titles); the handler does only async-signal-safe calls (write, signal, raise) and then dies of
// the signal as before, so the exit status still says SIGINT. The shell's prompt installs its own
// handler while it waits for a line and puts this one back. Process-wide; install from the main
// thread.
#if canImport(Glibc)
import Glibc
#endif

enum TerminalReset {
    /// Installs the SIGINT handler (idempotent), and lets SIGINT through if the process was
    /// started with it blocked (as some launchers' children are), so Ctrl-C stops reportctl.
    static func install() {
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT) { number in
            var reset: (UInt8, UInt8, UInt8, UInt8) = (0x1B, 0x5B, 0x30, 0x6D)
            _ = withUnsafeBytes(of: &reset) { write(STDOUT_FILENO, $0.baseAddress, 4) }
            signal(number, SIG_DFL)
            raise(number)
        }
    }
}
