// reportctl: the command tree. Each subcommand is a thin call on ReportClient; exit
// codes and the socket-path rule are shared through ConnectionOptions and ExitStatus.
import ArgumentParser

@main
struct ReportCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportctl",
        abstract: "Query a running reportd.",
        discussion: """
            The socket is --socket PATH, else $REPORTD_SOCKET, else \(ConnectionOptions.defaultSocket).

            Examples:
              reportctl --socket /tmp/r.sock get 21395276          print one report, byte for byte
              reportctl get 1 2 3 --json                           one JSON object per report
              cut -d. -f1 ids.txt | reportctl get - --json         batch: ids on stdin, JSON Lines out
              reportctl stats                                      counts, raw vs compressed bytes
              reportctl ping

            Exit status:
              0   success
              1   at least one requested report was not found
              64  usage error (bad arguments)
              65  the server rejected the request as malformed (e.g. a bad query)
              69  cannot connect to reportd (not running, wrong socket, no permission)
              70  server error (internal error, damaged data, permission denied)
              76  protocol error (the peer is not a compatible reportd)
            """,
        subcommands: [Get.self, Search.self, Stats.self, Ping.self, Reload.self, Shutdown.self]
    )

    /// --socket and --json, accepted before or after the subcommand name.
    @OptionGroup var connection: ConnectionOptions
}
