import ArgumentParser
import Foundation
import PromshardConfig
import PromshardRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard run`: the daemon, in the foreground (systemd style).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon in the foreground (logs on stderr).")

    @OptionGroup var configOption: ConfigOption
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
        bootstrapLogging(
            role: "supervisor", format: logOptions.logFormat.format, level: logOptions.logLevel.level)
        let config = try configOption.load()
        do {
            try FileManager.default.createDirectory(
                atPath: config.stateDir, withIntermediateDirectories: true)
        } catch {
            FileHandle.standardError.write(
                Data("promshard: cannot create state_dir \(config.stateDir): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let supervisor = Supervisor(
            config: config, configPath: config.sourcePath, childArguments: logOptions.childArguments)
        let code = await supervisor.run()
        if code != 0 { throw ExitCode(code) }
    }
}
