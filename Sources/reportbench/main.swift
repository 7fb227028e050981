// reportbench: benchmarks and fixture generation. Each subcommand prints its figures;
// none asserts a target (targets are read by people from the printed numbers).
import ArgumentParser

struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportbench",
        abstract: "Measure reportd (release build) and generate sample corpora.",
        subcommands: [ServerBenchmark.self, GenerateCorpus.self]
    )
}

ReportBench.main()
