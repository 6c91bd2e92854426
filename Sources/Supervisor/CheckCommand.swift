import ArgumentParser
import Foundation
import PromshardConfig
import PromshardDispatch

/// `promshard check`: validate the config and exit 0, or print every error and exit 1.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate the config: exit 0, or print every error and exit 1.")

    @OptionGroup var configOption: ConfigOption

    func run() async throws {
        let config = try configOption.load()
        var problems: [String] = []
        for (i, service) in config.services.enumerated() {
            if let problem = ExecutorLocator.problem(with: service.dispatch.executor) {
                problems.append("\(config.sourcePath): services[\(i)].dispatch.executor: \(problem)")
            }
        }
        if !problems.isEmpty {
            problems.forEach { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            throw ExitCode(1)
        }
        let names = config.services.map(\.name).joined(separator: ", ")
        print("\(config.sourcePath): OK (\(config.services.count) services: \(names))")
    }
}
