import ArgumentParser
import Foundation
import PromshardProtocol
import PromshardRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard child <role>`: a child process, started only by `promshard run`.
struct ChildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "child", abstract: "Run one child role (started by `promshard run`).",
        shouldDisplay: false)

    @Argument(help: "discovery, hashing, dispatch or health.")
    var role: String

    @OptionGroup var logOptions: LogOptions

    func run() async throws {
        guard let role = Role(rawValue: role), role != .supervisor else {
            throw ValidationError("unknown role \(role)")
        }
        bootstrapLogging(
            role: role.rawValue, format: logOptions.logFormat.format, level: logOptions.logLevel.level)
        let bus: ChildBus
        do {
            bus = try ChildBus(role: role)
        } catch {
            FileHandle.standardError.write(Data("promshard child: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try await ChildRuntime.run(role: role, bus: bus)
    }
}
