import ArgumentParser
import Foundation
import Logging
import PromshardConfig
import PromshardRuntime

/// Logging options shared by `run` and `child`.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: "Log format on stderr: logfmt or json.")
    var logFormat: LogFormatArgument = .logfmt

    @Option(name: .long, help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: LogLevelArgument = .info

    /// The same options as arguments for a child process.
    var childArguments: [String] { ["--log-format", logFormat.rawValue, "--log-level", logLevel.rawValue] }
}

enum LogFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case logfmt, json
    var format: LogFormat { self == .json ? .json : .logfmt }
}

enum LogLevelArgument: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

/// The `--config` option.
struct ConfigOption: ParsableArguments {
    @Option(name: [.short, .long], help: "Path of the YAML config file.")
    var config: String = "promshard.yaml"

    /// Loads and validates the config; on errors prints every one of them
    /// on stderr and exits 1.
    func load() throws -> PromshardConfig {
        do {
            return try ConfigLoader.load(path: config)
        } catch {
            for problem in error.errors { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            throw ExitCode(1)
        }
    }
}
