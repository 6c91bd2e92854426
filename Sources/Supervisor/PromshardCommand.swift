import ArgumentParser

/// `promshard`: shards Prometheus scrape targets across collectors.
@main
struct PromshardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promshard",
        abstract: "Shard Prometheus scrape targets across a fleet of Prometheus collectors.",
        version: VersionCommand.line,
        subcommands: [
            RunCommand.self, CheckCommand.self, PlanCommand.self, HistoryCommand.self, JobCommand.self,
            VersionCommand.self,
            ChildCommand.self,
        ]
    )
}
