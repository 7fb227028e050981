// reportbench: measurements of reportd's parts, one subcommand each.
import ArgumentParser

/// Entry point: `reportbench <subcommand>`.
@main
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportbench",
        abstract: "Measure reportd's components on the dev corpus.",
        subcommands: [StoreBenchmark.self]
    )
}
