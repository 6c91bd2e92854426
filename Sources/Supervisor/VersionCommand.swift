import ArgumentParser
import PromshardProtocol

/// `promshard version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print(
            "promshard \(promshardVersion) (bus protocol \(busProtocolVersion), executor protocol \(executorProtocolVersion))"
        )
    }
}
