// reportbench: measurements of reportd's parts and of the whole daemon, one
// subcommand each, plus the sample-corpus generator. Each subcommand prints figures;
// none asserts a target (targets are read by people from the printed numbers).
import ArgumentParser

/// Entry point: `reportbench <subcommand>`.
@main
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportbench",
        abstract: "Measure reportd (release build) and generate sample corpora.",
        subcommands: [
            StoreBenchmark.self, IndexBenchmark.self, ServerBenchmark.self, SearchBenchmark.self, SoakBenchmark.self,
            GenerateCorpus.self,
        ]
    )
}
