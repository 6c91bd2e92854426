import ArgumentParser
import PromshardProtocol

/// `promshard version` (and `promshard --version`, which prints the same line).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    /// `promshard <version> (bus protocol N, executor protocol N)`.
    static let line =
        "promshard \(promshardVersion) (bus protocol \(busProtocolVersion), executor protocol \(executorProtocolVersion))"

    func run() {
        print(Self.line)
    }
}
