import Logging
import PromshardConfig
import PromshardConsul
import PromshardProtocol

/// Discovers the collectors (health-checked) and the targets of every
/// service, and reports `nodes` and `targets` only when they change.
public actor DiscoveryEngine {
    /// Receives what the engine publishes.
    public struct Sinks: Sendable {
        public var nodes: @Sendable (NodesBody) -> Void
        public var targets: @Sendable (TargetsBody) -> Void
        /// `push.gateways` (only with `push:`).
        public var gateways: @Sendable (GatewaysBody) -> Void
        public init(
            nodes: @escaping @Sendable (NodesBody) -> Void,
            targets: @escaping @Sendable (TargetsBody) -> Void,
            gateways: @escaping @Sendable (GatewaysBody) -> Void = { _ in }
        ) {
            self.nodes = nodes
            self.targets = targets
            self.gateways = gateways
        }
    }

    private let sinks: Sinks
    private let logger = Logger(label: "discovery")
    var config: PromshardConfig?
    private var health: [String: [String: HealthTracker]] = [:]
    private var files: [String: TargetFiles] = [:]
    private var fileGroups: [String: [TargetGroup]] = [:]
    private var fileErrors: [String: [SourceError]] = [:]
    private var lastNodes: NodesBody?
    private var lastGateways: GatewaysBody?
    private var lastTargets: TargetsBody?
    /// Whether a target source may have changed since `lastTargets` was built; rebuilding and
    /// comparing a million targets on every probe round is what this avoids.
    private var targetsDirty = true
    private var loops: [Task<Void, Never>] = []
    /// Last known state of every Consul source (kept while Consul is unreachable).
    private var consul = ConsulSources()
    /// `targets.max_drop`: mass removals held back (DiscoveryEngine+DropGuard.swift).
    var drops = DropGuard()
    var dropTimer: (at: ContinuousClock.Instant, task: Task<Void, Never>)?

    public init(sinks: Sinks) { self.sinks = sinks }

    /// Starts (or restarts) probing and file watching for a config.
    public func apply(_ config: PromshardConfig) {
        loops.forEach { $0.cancel() }
        loops = []
        self.config = config
        targetsDirty = true
        let names = Set(config.probedServices.map(\.name))
        health = health.filter { names.contains($0.key) }
        files = files.filter { names.contains($0.key) }
        consul.retain(config)
        drops.retain(services: names)
        for service in config.probedServices {
            let known = Set(collectors(of: service).map(\.name))
            health[service.name] = (health[service.name] ?? [:]).filter { known.contains($0.key) }
            loops.append(Task { await self.probeLoop(service) })
            if service.name != GatewayService.name { loops.append(Task { await self.fileLoop(service) }) }
            for watch in ConsulSources.watches(for: service, settings: config.consul ?? ConsulSettings()) {
                loops.append(Task { await self.consulLoop(watch) })
            }
        }
    }

    /// Static collectors plus the last known Consul ones (a static one wins
    /// when both name the same address:port).
    private func collectors(of service: ServiceConfig) -> [StaticCollector] {
        let statics = service.collectors.static
        let names = Set(statics.map(\.name))
        return statics + consul.collectors(service.name).filter { !names.contains($0.name) }
    }

    /// Whether a collector is health-probed (Consul ones only with `consul_probe`).
    private func probed(_ c: StaticCollector, of service: ServiceConfig) -> Bool {
        service.collectors.consulProbe || service.collectors.static.contains { $0.name == c.name }
    }

    private func consulLoop(_ watch: ConsulSources.Watch) async {
        await watch.watch.run { update in await self.consulUpdate(watch, update) }
    }

    private func consulUpdate(_ watch: ConsulSources.Watch, _ update: ServiceWatch.Update) {
        // A watch of a replaced config (its task is cancelled) records nothing.
        guard !Task.isCancelled else { return }
        let changed = consul.record(watch, update)
        if changed { targetsDirty = true }
        let meta: Logger.Metadata = [
            "service": "\(watch.service)", "consul_service": "\(watch.watch.service)",
        ]
        if changed, case .failed(let error) = update {
            logger.warning(
                "consul query failing, keeping the last known instances",
                metadata: meta.merging(["error": "\(error)"]) { $1 })
        } else if changed, case .entries(let entries, _) = update {
            logger.info("consul instances", metadata: meta.merging(["passing": "\(entries.count)"]) { $1 })
        }
        if watch.kind == .collectors,
            let service = config?.probedServices.first(where: { $0.name == watch.service })
        {
            let current = collectors(of: service)
            let known = Set(current.map(\.name))
            health[service.name] = (health[service.name] ?? [:]).filter { known.contains($0.key) }
            // Probe newcomers at once rather than at the next interval.
            let fresh = current.filter { probed($0, of: service) && health[service.name]?[$0.name] == nil }
            if !fresh.isEmpty {
                let check = service.collectors.healthCheck
                // Kept with the loops, so a new config or a stop cancels it too.
                let probeNow = Task {
                    await withTaskGroup(of: (String, String?).self) { group in
                        for c in fresh {
                            group.addTask {
                                (c.name, await Probe.run(address: c.address, port: c.port, check: check))
                            }
                        }
                        for await (name, error) in group {
                            if Task.isCancelled { return }
                            self.recordIfCurrent(service, name, error)
                        }
                    }
                    self.publishIfChanged()
                }
                loops.append(probeNow)
            }
        }
        publishIfChanged()
    }

    private func recordIfCurrent(_ service: ServiceConfig, _ name: String, _ error: String?) {
        guard collectors(of: service).contains(where: { $0.name == name }),
            health[service.name]?[name]?.probed != true
        else { return }
        record(service: service, collector: name, error: error)
    }

    /// Stops every loop.
    public func stop() {
        loops.forEach { $0.cancel() }
        loops = []
        dropTimer?.task.cancel()
        dropTimer = nil
    }

    private func probeLoop(_ service: ServiceConfig) async {
        let check = service.collectors.healthCheck
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            await withTaskGroup(of: (String, String?).self) { group in
                for c in collectors(of: service) where probed(c, of: service) {
                    group.addTask {
                        (c.name, await Probe.run(address: c.address, port: c.port, check: check))
                    }
                }
                for await (name, error) in group {
                    if Task.isCancelled { return }  // a replaced config: record nothing
                    // A collector that left Consul while being probed is not tracked again.
                    guard collectors(of: service).contains(where: { $0.name == name }) else { continue }
                    record(service: service, collector: name, error: error)
                }
            }
            publishIfChanged()
            next = next.advanced(by: check.interval)
            if next < clock.now { next = clock.now }
            try? await Task.sleep(until: next, clock: clock)
        }
    }

    private func fileLoop(_ service: ServiceConfig) async {
        while !Task.isCancelled {
            refreshFiles(service)
            publishIfChanged()
            if service.targets.files.isEmpty { return }
            try? await Task.sleep(for: service.targets.refreshInterval)
        }
    }

    private func record(service: ServiceConfig, collector: String, error: String?) {
        var tracker = health[service.name]?[collector] ?? HealthTracker()
        let check = service.collectors.healthCheck
        let wasProbed = tracker.probed
        if tracker.record(success: error == nil, error: error, fall: check.fall, rise: check.rise)
            || !wasProbed
        {
            let state = tracker.healthy ? "healthy" : "unhealthy"
            var metadata: Logger.Metadata = ["service": "\(service.name)", "collector": "\(collector)"]
            if let error { metadata["error"] = "\(error)" }
            logger.log(level: tracker.healthy ? .info : .warning, "collector \(state)", metadata: metadata)
        }
        health[service.name, default: [:]][collector] = tracker
    }

    func refreshFiles(_ service: ServiceConfig) {
        let known = files[service.name]
        var reader = known ?? TargetFiles()
        let (groups, errors) = reader.refresh(patterns: service.targets.files, service: service.name)
        files[service.name] = reader
        guard known == nil || reader.generation != known?.generation else { return }
        targetsDirty = true
        if errors != fileErrors[service.name] ?? [] {
            for e in errors {
                logger.warning("bad target file", metadata: ["file": "\(e.source)", "error": "\(e.message)"])
            }
        }
        fileGroups[service.name] = groups
        fileErrors[service.name] = errors
    }

    /// The collectors as currently known.
    public func nodes() -> NodesBody {
        var services: [String: [CollectorState]] = [:]
        var errors: [SourceError] = []
        for service in config?.services ?? [] {
            services[service.name] = states(of: service)
            errors += consul.collectorErrors(service.name)
        }
        return NodesBody(services: services, errors: errors)
    }

    /// The gateways of `push:` as currently known; nil without `push:`.
    public func gateways() -> GatewaysBody? {
        guard let push = config?.push else { return nil }
        let service = GatewayService.service(push)
        return GatewaysBody(gateways: states(of: service), errors: consul.collectorErrors(service.name))
    }

    private func states(of service: ServiceConfig) -> [CollectorState] {
        collectors(of: service).map { c in
            let tracker = health[service.name]?[c.name]
            let healthy = probed(c, of: service) ? tracker?.healthy ?? false : true
            return CollectorState(
                name: c.name, address: c.address, port: c.port, healthy: healthy,
                weight: c.weight, zone: c.zone, lastError: tracker?.lastError)
        }
    }

    /// The targets as currently known.
    public func targets() -> TargetsBody {
        var services: [String: [TargetGroup]] = [:]
        var errors: [SourceError] = []
        for service in config?.services ?? [] {
            var groups: [TargetGroup] = []
            if !service.targets.static.isEmpty {
                groups.append(
                    TargetGroup(targets: service.targets.static, labels: service.targets.staticLabels))
            }
            groups += fileGroups[service.name] ?? []
            groups += consul.targets(service.name)
            services[service.name] = groups
            errors += fileErrors[service.name] ?? []
            errors += consul.targetErrors(service.name)
        }
        return TargetsBody(services: services, errors: errors)
    }

    /// Whether every collector of every service has been probed at least once.
    private var allProbed: Bool {
        (config?.probedServices ?? []).allSatisfy { s in
            consul.settled(s)
                && collectors(of: s).allSatisfy {
                    !probed($0, of: s) || health[s.name]?[$0.name]?.probed == true
                }
        }
    }

    func publishIfChanged() {
        // Publish nothing before the first round of probes: a half-probed
        // fleet would make hashing shuffle targets for nothing.
        guard config != nil, allProbed else { return }
        let n = nodes()
        if n != lastNodes {
            lastNodes = n
            sinks.nodes(n)
        }
        if let g = gateways(), g != lastGateways {
            lastGateways = g
            sinks.gateways(g)
        }
        // A held removal is looked at every round: its hold may have expired or been confirmed.
        guard targetsDirty || !drops.held.isEmpty else { return }
        targetsDirty = false
        let t = guarded(targets())
        if t != lastTargets {
            lastTargets = t
            sinks.targets(t)
        }
    }

    /// One discovery round without loops, for `promshard plan`: every
    /// collector probed once, every target file read once.
    public static func snapshot(_ config: PromshardConfig) async -> (NodesBody, TargetsBody) {
        let engine = DiscoveryEngine(sinks: Sinks(nodes: { _ in }, targets: { _ in }))
        await engine.once(config)
        return (await engine.nodes(), await engine.targets())
    }

    private func once(_ config: PromshardConfig) async {
        self.config = config
        for service in config.services {
            for watch in ConsulSources.watches(for: service, settings: config.consul ?? ConsulSettings()) {
                _ = consul.record(watch, await watch.watch.once())
            }
            let check = service.collectors.healthCheck
            let candidates = collectors(of: service).filter { probed($0, of: service) }
            await withTaskGroup(of: (String, String?).self) { group in
                for c in candidates {
                    group.addTask {
                        (c.name, await Probe.run(address: c.address, port: c.port, check: check))
                    }
                }
                for await (name, error) in group { record(service: service, collector: name, error: error) }
            }
            refreshFiles(service)
        }
    }
}
