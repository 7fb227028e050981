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
              # one report, byte for byte
              reportctl --socket /tmp/r.sock get 21395276
              # a batch: ids on stdin, one JSON object per line out
              cut -d. -f1 ids.txt | reportctl get - --json
              # ranked search; tone marks optional (dang uy finds Đảng ủy)
              reportctl search '"xây dựng Đảng" -COVID' --limit 20
              reportctl search 'dang uy' --count
              # counts, raw vs compressed bytes, memory, limits
              reportctl stats
              # writes (admin): acknowledged once logged as reportd's --appendfsync promises
              reportctl put 9001.txt 9002.txt
              reportctl import ./reports
              reportctl del 9001
              reportctl snapshot

            Exit status:
              0   success
              1   at least one requested report was not found
              64  usage error (bad arguments)
              65  the server rejected the request as malformed (e.g. a bad query)
              69  cannot connect to reportd (not running, wrong socket, no permission, or busy:
                  every connection slot taken; try again later)
              70  server error (internal error, damaged data, permission denied)
              76  protocol error (the peer is not a compatible reportd)
            """,
        subcommands: [Get.self, Search.self, Stats.self, Ping.self, Put.self, Del.self, Import.self, Snapshot.self, Reload.self, Shutdown.self]
    )

    /// --socket and --json, accepted before or after the subcommand name.
    @OptionGroup var connection: ConnectionOptions
}
