import ArgumentParser
import Foundation
import PromshardBus
import PromshardDiscovery
import PromshardDispatch
import PromshardHashingRole
import PromshardHealth
import PromshardMetrics
import PromshardProtocol

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
        // SIGTERM/SIGINT: clean up (dispatch stops its executors) and exit 0.
        let stopSignals = signalStream([SIGTERM, SIGINT])
        Task {
            for await _ in stopSignals {
                // Dispatch stops its executors and lets queued history rows reach the database.
                if role == .dispatch { await DispatchChild.terminate() }
                // Discovery gives up the Consul leader lock (if held) so a follower takes over at once.
                if role == .discovery { await DiscoveryChild.terminate() }
                Glibc.exit(0)
            }
        }
        // Metrics: every child but health records through swift-metrics into a
        // snapshot published on `metrics`; health merges them (and has its own registry).
        if role != .health {
            let reporter = MetricsReporter(
                role: role, pid: getpid(), startedMs: Int64(Date().timeIntervalSince1970 * 1000))
            reporter.bootstrap()
            Task { await reporter.run { bus.publish(.metrics, $0) } }
        }
        switch role {
        case .discovery: await DiscoveryChild.run(bus: bus)
        case .hashing: await HashingChild.run(bus: bus)
        case .dispatch: await DispatchChild.run(bus: bus)
        case .health: await HealthChild.run(bus: bus)
        case .supervisor: break
        }
    }
}
