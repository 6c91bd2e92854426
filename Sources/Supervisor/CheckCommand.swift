import ArgumentParser
import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardExecutorHost

/// `promshard check`: validate the config and exit 0, or print every error and exit 1.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Validate the config and ask every executor `describe`: exit 0, or print every error and exit 1.")

    @OptionGroup var configOption: ConfigOption

    func run() async throws {
        let config = try configOption.load()
        var problems: [String] = []
        // Each executor must answer `describe` with protocol 1 (asked once per executable).
        var described: [String: String?] = [:]
        for (i, service) in config.services.enumerated() where service.dispatch.delivers {
            let keyPath = "\(config.sourcePath): services[\(i)].dispatch.executor"
            if let problem = ExecutorLocator.problem(with: service.dispatch.executor) {
                problems.append("\(keyPath): \(problem)")
                continue
            }
            let executable = ExecutorLocator.resolve(service.dispatch.executor)
            if described[executable] == nil {
                do {
                    _ = try await ExecutorRunner().describe(executable: executable)
                    described[executable] = .some(nil)
                } catch {
                    described[executable] = .some(error.description)
                }
            }
            if let problem = described[executable] ?? nil { problems.append("\(keyPath): \(problem)") }
        }
        if !problems.isEmpty {
            for problem in problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            throw ExitCode(1)
        }
        let names = config.services.map(\.name).joined(separator: ", ")
        print("\(config.sourcePath): OK (\(config.services.count) services: \(names))")
    }
}
