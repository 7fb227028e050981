// reportctl: the command tree. Each subcommand is a thin call on ReportClient; exit
// codes and the socket-path rule are shared through ConnectionOptions and ExitStatus.
// With no subcommand on a terminal it opens the interactive Shell.
import ArgumentParser
import ServiceSupport

#if canImport(Glibc)
import Glibc
#endif

@main
struct ReportCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportctl",
        abstract: "Query a running reportd.",
        discussion: """
            The socket is --socket PATH, else $REPORTD_SOCKET, else \(ConnectionOptions.defaultSocket). \
            With no command on a terminal, reportctl opens an interactive shell (as `reportctl shell`).

            Examples:
              # one report, byte for byte
              reportctl --socket /tmp/r.sock get 21454551
              # a batch: ids on stdin, one JSON object per line out, each as soon as it is answered
              ls reports | cut -d. -f1 | reportctl get - --json
              # ranked search; the words form the query; tone marks optional (dang uy finds Đảng ủy)
              reportctl search Bộ Công Thương
              reportctl search '"xây dựng Đảng"' -COVID --limit 20
              reportctl count dang uy
              # counts, raw vs compressed bytes, memory, limits; --prometheus for monitoring
              reportctl stats
              # writes (admin): acknowledged once logged as reportd's --appendfsync promises
              reportctl put 9001.txt 9002.txt
              reportctl import ./reports
              reportctl del 9001
              reportctl snapshot

            Shell completions (install.sh installs them):
              reportctl --generate-completion-script bash > /usr/share/bash-completion/completions/reportctl
              reportctl --generate-completion-script zsh  > /usr/share/zsh/vendor-completions/_reportctl
              reportctl --generate-completion-script fish > /usr/share/fish/vendor_completions.d/reportctl.fish

            Exit status:
              0   success
              1   at least one requested report was not found
              64  usage error (bad arguments, or a query or id over the wire's 65,535 bytes)
              65  the server rejected the request as malformed (e.g. a bad query)
              69  cannot connect to reportd (not running, wrong socket, no permission, or busy:
                  every connection slot taken; try again later)
              70  server error (internal error, damaged data, permission denied)
              74  cannot write the output (e.g. the disk is full)
              75  no answer within --timeout (reportd stopped or overloaded; try again)
              76  protocol error (the peer is not a compatible reportd)
            """,
        version: ProductVersion.current,
        subcommands: [
            Get.self, Search.self, Count.self, Stats.self, Ping.self, Shell.self, Put.self, Del.self, Import.self,
            Snapshot.self, Reload.self, Shutdown.self,
        ]
    )

    /// --socket, --json and --color, accepted before or after the subcommand name.
    @OptionGroup var connection: ConnectionOptions

    /// No subcommand: the shell on a terminal; otherwise the help, as before the shell existed.
    func run() throws {
        if isatty(0) == 1 {
            try Shell.run(connection: connection)
        } else {
            print(Self.helpMessage())
        }
    }

    /// Checks the subcommand's name first, so that a typo gets a suggestion rather than
    /// "unexpected argument".
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = CommandSuggestion.unknownCommand(in: arguments) {
            StandardError.print("reportctl: \(message)")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        }
        main(QueryArguments.rewrite(arguments))
    }
}
