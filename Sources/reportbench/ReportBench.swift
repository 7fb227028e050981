// reportbench: in-process benchmarks of reportd's layers. Each subcommand measures one layer and
// prints its figures; nothing here is asserted, it is for humans and CI logs. (Not main.swift:
// SwiftPM forbids @main in a file named main.swift without -parse-as-library.)
import ArgumentParser

/// Entry point; the lead merges every helper's subcommands into this list.
@main
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportbench",
        abstract: "Measure reportd's layers in-process.",
        subcommands: [IndexBenchmark.self])
}
