import Foundation
import Logging
import PromshardDiscovery
import PromshardDispatch
import PromshardHashing
import PromshardHealth
import PromshardJobs
import PromshardMetrics
import PromshardProtocol
import PromshardPush
import PromshardRuntime
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The one lifecycle of a child process: its long-running loops are
/// services of one `ServiceGroup`.
///
/// - SIGTERM or SIGINT starts the group's graceful shutdown: the metrics
///   reporter stops, then the role finishes its stop (dispatch stops its
///   executors, discovery gives up the leader lock) and returns.
/// - EOF on the bus (the supervisor is gone) ends the role's loop; the role
///   returns at once and the group cancels what is left: no orphans.
///
/// When the role returns, for either reason, the group cancels the other
/// services and ``run(role:bus:)`` returns; the process then exits.
enum ChildRuntime {
    static func run(role: Role, bus: ChildBus) async throws {
        var services: [any Service] = [RoleService(role: role, bus: bus)]
        // Every child but health records through swift-metrics into a snapshot
        // published on `metrics`; health merges them (and has its own registry).
        if role != .health {
            let reporter = MetricsReporter(
                role: role, pid: getpid(), startedMs: Int64(Date().timeIntervalSince1970 * 1000))
            reporter.bootstrap()
            services.append(
                ClosureService {
                    try await cancelWhenGracefulShutdown {
                        await reporter.run { bus.publish(.metrics, $0) }
                    }
                })
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
                logger: Logger(label: "lifecycle")))
        try await group.run()
    }
}

/// A role's main loop as a service. Returning (graceful stop done, or EOF)
/// ends the whole group (the default `.cancelGroup` behaviour).
struct RoleService: Service {
    let role: Role
    let bus: ChildBus

    func run() async throws {
        switch role {
        case .discovery: await DiscoveryChild.run(bus: bus)
        case .hashing: await HashingChild.run(bus: bus)
        case .dispatch: await DispatchChild.run(bus: bus)
        case .health: await HealthChild.run(bus: bus)
        case .push: await PushChild.run(bus: bus)
        case .jobs: await JobsChild.run(bus: bus)
        case .supervisor: break
        }
        if bus.supervisorGone {
            Logger(label: role.rawValue).info("supervisor gone: exiting")
        }
    }
}
