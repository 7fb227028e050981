// reportbench: measurements of reportd's parts, one subcommand each.
// A file named main.swift is top-level code, where `@main` is not allowed without
// -parse-as-library; so the command is started explicitly on the last line.
import ArgumentParser

/// Entry point: `reportbench <subcommand>`.
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportbench",
        abstract: "Measure reportd's components on the dev corpus.",
        subcommands: [StoreBenchmark.self]
    )
}

ReportBench.main()
