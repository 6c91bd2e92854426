import Foundation
import Logging
import PromshardConfig
import PromshardConsul
import PromshardProtocol
import PromshardRuntime
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The discovery child: config in; `nodes`, `targets` and `leader` out.
///
/// It also runs the Consul side of the instance: registrations, with
/// `consul.leader_election` the leader lock (see docs/CONSUL.md), and with
/// `consul.config_key` the watch of the remote config (`config.remote`).
public enum DiscoveryChild {
    /// Runs until the supervisor goes away (EOF: at once) or graceful
    /// shutdown (SIGTERM): then discovery stops and the leader lock is given
    /// up (after dispatch has stopped, at most a few seconds) while the bus
    /// is still read, so that `children` tells when dispatch is gone.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "discovery")
        let engine = DiscoveryEngine(
            sinks: .init(
                nodes: { bus.publish(.nodes, $0) },
                targets: {
                    bus.publish(.targets, $0)
                    bus.publish(.targetCounts, TargetCountsBody($0))
                },
                gateways: { bus.publish(.pushGateways, $0) }))
        let leadership = Leadership()
        await leadership.setBus(bus)
        let remoteConfig = RemoteConfigWatch { bus.publish(.configRemote, $0) }
        let messages = bus.start(subscribe: [.config, .reload, .targets, .children])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in messages {
                    switch message.topic {
                    case .config:
                        do {
                            let config = try message.body(PromshardConfig.self)
                            await engine.apply(config)
                            await leadership.apply(config)
                            await remoteConfig.apply(config)
                        } catch {
                            logger.error("cannot decode config", metadata: ["error": "\(error)"])
                        }
                    case .targets:
                        // Only the replay after a restart: our own last `targets`, the guard's baseline.
                        if let body = try? message.body(TargetsBody.self) {
                            await engine.resumeDropGuard(from: body)
                        }
                    case .reload:
                        // The operator's SIGHUP confirms removals held by targets.max_drop.
                        await engine.confirmDrops()
                    case .children:
                        if let body = try? message.body(ChildrenBody.self) {
                            await leadership.children(body)
                        }
                    default:
                        break
                    }
                }
            }
            group.addTask {
                guard (try? await gracefulShutdown()) != nil else { return }
                await remoteConfig.stop()
                await engine.stop()
                await leadership.stop()
            }
            // Whichever ends first (EOF, or the graceful stop done) ends both.
            await group.next()
            group.cancelAll()
        }
    }
}

/// The leader election and registrations of this instance, driven by the
/// bus loop and stopped by the graceful shutdown.
actor Leadership {
    private let logger = Logger(label: "discovery")
    private var bus: ChildBus?
    private var elector: LeaderElector?
    private var settings: ConsulSettings?
    private var stateDir: String?
    private let registrar = Registrar()
    private var dispatchRunning = true
    private var stopping: Task<Void, Never>?

    func setBus(_ bus: ChildBus) { self.bus = bus }

    /// Follows a config: starts, restarts or stops the election.
    func apply(_ config: PromshardConfig) async {
        guard stopping == nil else { return }
        let instance = config.consul?.instance ?? Self.hostName
        if config.consul != nil {
            await registrar.apply(config, instance: instance)
        } else {
            await registrar.stop()
        }
        let wanted = config.consul?.leaderElection == true ? config.consul : nil
        if Self.sameElection(wanted, settings) && config.stateDir == stateDir
            && (elector != nil || wanted == nil)
        {
            if wanted == nil { bus?.publish(.leader, LeaderBody.disabled) }
            return
        }
        if let old = elector {
            await old.resign()
            elector = nil
        }
        settings = wanted
        stateDir = config.stateDir
        guard let wanted else {
            bus?.publish(.leader, LeaderBody.disabled)
            return
        }
        let bus = self.bus
        let elector = LeaderElector(settings: wanted, stateDir: config.stateDir, instance: instance) { body in
            bus?.publish(.leader, body)
        }
        self.elector = elector
        logger.info(
            "leader election on", metadata: ["key": "\(wanted.lockKeyOrDefault)", "instance": "\(instance)"])
        await elector.start()
    }

    /// Tracks whether the dispatch child still runs (from `children`).
    func children(_ body: ChildrenBody) {
        dispatchRunning = body.children.first { $0.role == .dispatch }?.running ?? false
    }

    /// Gives up leadership: tells dispatch first, waits (at most 3 s) for the
    /// dispatch child to be gone when the whole daemon stops, then releases
    /// the lock and destroys the session. Idempotent.
    func stop() async {
        if let stopping {
            await stopping.value
            return
        }
        let task = Task {
            await self.registrar.stop()
            guard let elector = self.elector else { return }
            if await elector.state.isLeader {
                // Stop dispatching first, then wait for dispatch to exit so no
                // delivery of ours overlaps one of the next leader's.
                self.bus?.publish(
                    .leader, LeaderBody(enabled: true, isLeader: false, key: await elector.state.key))
                let deadline = ContinuousClock.now + .seconds(3)
                while await self.dispatchRunning && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            await elector.resign()
        }
        stopping = task
        await task.value
    }

    /// Whether two settings run the same election (other Consul keys, such
    /// as `wait` or registrations, change without a handover).
    static func sameElection(_ a: ConsulSettings?, _ b: ConsulSettings?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.address == b.address && a.token == b.token && a.caFile == b.caFile
            && a.lockKeyOrDefault == b.lockKeyOrDefault && a.sessionTTL == b.sessionTTL
            && a.lockDelay == b.lockDelay
            && a.instance == b.instance && a.cluster == b.cluster
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(cString: buffer)
    }
}
