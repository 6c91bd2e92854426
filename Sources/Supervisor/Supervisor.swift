import Foundation
import Logging
import PromshardConfig
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime
import PromshardSupervisorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The supervisor of `promshard run`: spawns the four children, routes their
/// messages, restarts the ones that die or stop answering, and stops them
/// all on SIGTERM.
///
/// It is a thin router: everything it learns arrives as an ``Event`` on one
/// stream and is handled in order by ``run()``, so there is no shared state
/// between threads. It never computes assignments itself, and it never
/// waits for a child: lines to a child go through that child's
/// ``LineWriter`` (a bounded queue drained by a thread of its own).
final class Supervisor: @unchecked Sendable {
    /// Everything the supervisor reacts to.
    enum Event: Sendable {
        case line(Role, generation: Int, [UInt8])
        case oversized(Role, generation: Int, bytes: Int)
        case exited(Role, generation: Int, ExitStatus)
        case restartDue(Role, generation: Int)
        case signal(Int32)
        case graceExpired
        /// Time to check liveness and feed the systemd watchdog.
        case tick
        /// The supervisor's own metric snapshot, due for publication on `metrics`.
        case metrics(MetricsBody)
    }

    private struct Slot {
        var process: ChildProcess?
        var writer: LineWriter?
        var generation = 0
        var restarts = 0
        var history = RestartPolicy.History()
        var startedWall: Int64?
        var liveness: Liveness?
        /// Set when the supervisor killed the child: why (for the exit log).
        var killReason: String?
        var connected = false
    }

    /// Most bytes queued for one child; more means it is stuck.
    static let queueLimitBytes = 2 * LineFramer.defaultMaxLineBytes

    /// The running config: the local file, or with `consul.config_key` the
    /// key's last valid value merged with it (``RemoteConfig``).
    private var config: PromshardConfig
    /// The local file as last loaded successfully.
    private var local: PromshardConfig
    /// The last valid value of `consul.config_key` (merged), kept across SIGHUPs.
    private var remote: PromshardConfig?
    /// The last text received on `config.remote`, valid or not: the same text
    /// again (a restarted discovery reads the key afresh) is not re-applied.
    private var lastRemoteText: String?
    private let configPath: String
    private let executable: String
    private let childArguments: [String]
    private var logger = Logger(label: "supervisor")
    private var router = Router()
    private var slots: [Role: Slot] = [:]
    private var seq: UInt64 = 0
    private var stopping = false
    private var exitCode: Int32 = 0
    private var lastStatus: StatusBody?
    private let clock = ContinuousClock()
    private let epoch = ContinuousClock.now
    private let (events, sink) = AsyncStream<Event>.makeStream()
    private let notifier = SystemdNotifier()
    private var ready = false
    private var lastWatchdog: Duration?

    init(config: PromshardConfig, configPath: String, childArguments: [String]) {
        self.config = config
        self.local = config
        self.configPath = configPath
        self.executable = executablePath()
        self.childArguments = childArguments
    }

    /// The children this config runs (the role table's start conditions): all of
    /// ``Role/children``, `push` only with `push:`, `jobs` only with `jobs:`.
    private var roles: [Role] {
        Role.children.filter { role in
            switch role {
            case .push: config.push != nil
            case .jobs: config.jobs != nil
            default: true
            }
        }
    }

    private var policy: RestartPolicy {
        let s = config.supervisor
        return RestartPolicy(
            initial: s.backoffInitial, max: s.backoffMax, resetAfter: s.backoffReset,
            maxRestarts: s.maxRestarts,
            window: s.restartWindow)
    }

    /// Runs until stopped; returns the process exit code.
    func run() async -> Int32 {
        let signals = signalStream([SIGTERM, SIGINT, SIGHUP])
        let sink = self.sink
        Task { for await sig in signals { sink.yield(.signal(sig)) } }
        signal(SIGPIPE, SIG_IGN)

        logger.info(
            "starting",
            metadata: [
                "config": "\(configPath)", "pid": "\(getpid())", "services": "\(config.services.count)",
            ])
        publishConfig()
        for role in roles { start(role) }
        let reporter = MetricsReporter(
            role: .supervisor, pid: getpid(), startedMs: Int64(Date().timeIntervalSince1970 * 1000))
        reporter.bootstrap()
        Instruments.configLoaded(successful: true, now: Date().timeIntervalSince1970)
        Task {
            await reporter.run { body in
                sink.yield(.metrics(body))
                return true
            }
        }
        let tick = tickInterval
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                sink.yield(.tick)
            }
        }
        defer { ticker.cancel() }

        for await event in events {
            handle(event)
            if stopping && slots.values.allSatisfy({ $0.process == nil }) { break }
        }
        logger.info("stopped", metadata: ["exit_code": "\(exitCode)"])
        return exitCode
    }

    /// Liveness is checked (and the watchdog fed) at least 4 times per period.
    private var tickInterval: Duration {
        var tick = Duration.milliseconds(250)
        if let watchdog = notifier?.watchdogInterval { tick = min(tick, watchdog / 4) }
        return max(tick, .milliseconds(10))
    }

    private var now: Duration { clock.now - epoch }

    // MARK: Events

    private func handle(_ event: Event) {
        switch event {
        case .line(let role, let generation, let line):
            guard slots[role]?.generation == generation else { return }
            receive(line, from: role)
        case .oversized(let role, _, let bytes):
            logger.warning(
                "dropped oversized message", metadata: ["child": "\(role.rawValue)", "bytes": "\(bytes)"])
        case .exited(let role, let generation, let status):
            guard slots[role]?.generation == generation else { return }
            childExited(role, status: status)
        case .restartDue(let role, let generation):
            guard !stopping, roles.contains(role), slots[role]?.generation == generation,
                slots[role]?.process == nil
            else {
                return
            }
            start(role)
        case .signal(let sig):
            if sig == SIGHUP { reload() } else { stop(reason: signalName(sig), code: 0) }
        case .metrics(let body):
            if !stopping { publish(.metrics, body) }
        case .graceExpired:
            for (role, slot) in slots {
                guard let process = slot.process else { continue }
                logger.warning(
                    "child did not stop within the grace period, killing",
                    metadata: ["child": "\(role.rawValue)"])
                process.signal(SIGKILL)
            }
        case .tick:
            checkLiveness()
            feedWatchdog()
        }
    }

    private func receive(_ line: [UInt8], from role: Role) {
        let header: EnvelopeHeader
        switch router.accept(line, from: role) {
        case .success(let h): header = h
        case .failure(let rejection):
            // A bad message is reported and dropped; the router and the child keep going.
            logger.warning(
                "rejected message on the bus",
                metadata: ["child": "\(role.rawValue)", "error": "\(rejection)"])
            return
        }
        let topic = Topic(rawValue: header.type)!
        switch topic {
        case .hello:
            guard let hello = try? BusCodec.decode(HelloBody.self, from: line).body else {
                logger.warning("invalid hello", metadata: ["child": "\(role.rawValue)"])
                return
            }
            for replay in router.hello(from: role, subscribe: hello.subscribe) { send(replay, to: role) }
            slots[role]?.connected = true
            logger.debug("child connected", metadata: ["child": "\(role.rawValue)", "pid": "\(hello.pid)"])
            notifyReadyOnce()
            return
        case .pong:
            if let pong = try? BusCodec.decode(PingBody.self, from: line).body {
                slots[role]?.liveness?.pong(id: pong.id)
            }
            return
        case .status:
            logStatus(line)
        case .configRemote:
            receiveRemoteConfig(line)
            return
        default:
            break
        }
        // The framer strips the newline; forwarded and retained lines carry it again.
        let framed = line + [0x0A]
        forward(router.route(topic: topic, from: role, line: framed), line: framed)
    }

    private func forward(_ decision: Router.Decision, line: [UInt8]) {
        for recipient in decision.recipients { send(line, to: recipient) }
    }

    /// Queues a line for a child without waiting; a child whose queue
    /// overflows is stuck and replaced.
    private func send(_ line: [UInt8], to role: Role) {
        guard let writer = slots[role]?.writer else { return }
        if writer.enqueue(line) == .overflow {
            replaceStuck(
                role,
                reason:
                    "outbound queue overflowed (\(writer.queuedBytes) bytes waiting, limit \(Self.queueLimitBytes))"
            )
        }
    }

    /// Publishes a message from the supervisor itself.
    private func publish<Body: Codable & Sendable>(_ topic: Topic, _ body: Body) {
        seq += 1
        guard let line = try? BusCodec.encode(Envelope(type: topic, from: .supervisor, seq: seq, body: body))
        else {
            return
        }
        forward(router.route(topic: topic, from: .supervisor, line: line), line: line)
    }

    private func publishConfig() { publish(.config, config) }

    private func publishChildren() {
        let infos = roles.map { role -> ChildInfo in
            let slot = slots[role] ?? Slot()
            return ChildInfo(
                role: role, pid: slot.process?.pid, running: slot.process != nil, restarts: slot.restarts,
                startedMs: slot.startedWall)
        }
        publish(.children, ChildrenBody(children: infos))
    }

    // MARK: Children

    private func start(_ role: Role) {
        var slot = slots[role] ?? Slot()
        slot.generation += 1
        let generation = slot.generation
        do {
            let process = try ChildProcess.spawn(
                role: role, executable: executable, extraArguments: childArguments)
            slot.process = process
            slot.writer = LineWriter(socket: process.socket, limitBytes: Self.queueLimitBytes)
            slot.liveness = Liveness(timeout: config.supervisor.childTimeout)
            slot.killReason = nil
            slot.connected = false
            slot.startedWall = Int64(Date().timeIntervalSince1970 * 1000)
            slots[role] = slot
            logger.info("child started", metadata: ["child": "\(role.rawValue)", "pid": "\(process.pid)"])
            let sink = self.sink
            let socketEvents = process.socket.events()
            Task {
                for await event in socketEvents {
                    switch event {
                    case .line(let line): sink.yield(.line(role, generation: generation, line))
                    case .oversized(let n): sink.yield(.oversized(role, generation: generation, bytes: n))
                    case .closed: break
                    }
                }
            }
            let pid = process.pid
            Task {
                let status = await waitForExit(pid)
                sink.yield(.exited(role, generation: generation, status))
            }
        } catch {
            slots[role] = slot
            logger.error("cannot start child", metadata: ["child": "\(role.rawValue)", "error": "\(error)"])
            sink.yield(.exited(role, generation: generation, .exited(-1)))
            return
        }
        publishChildren()
    }

    private func childExited(_ role: Role, status: ExitStatus) {
        guard var slot = slots[role] else { return }
        let ranFor = slot.process.map { clock.now - $0.started } ?? .zero
        slot.writer?.close()
        slot.process?.socket.close()
        slot.process = nil
        slot.writer = nil
        slot.liveness = nil
        slot.connected = false
        let reason = slot.killReason
        slot.killReason = nil
        router.disconnect(role)
        if stopping || !roles.contains(role) {
            slots[role] = slot
            logger.info("child stopped", metadata: ["child": "\(role.rawValue)", "status": "\(status)"])
            publishChildren()
            return
        }
        let verdict = policy.onExit(now: clock.now - epoch, ranFor: ranFor, history: &slot.history)
        switch verdict {
        case .restart(let delay):
            slot.restarts += 1
            slots[role] = slot
            var metadata: Logger.Metadata = [
                "child": "\(role.rawValue)", "status": "\(status)", "ran_for": "\(ranFor)",
                "restart_in": "\(delay)", "restarts": "\(slot.restarts)",
            ]
            if let reason { metadata["reason"] = "\(reason)" }
            logger.warning("child exited, restarting", metadata: metadata)
            let generation = slot.generation
            let sink = self.sink
            Task {
                try? await Task.sleep(for: delay)
                sink.yield(.restartDue(role, generation: generation))
            }
        case .giveUp(let count):
            slots[role] = slot
            var metadata: Logger.Metadata = [
                "child": "\(role.rawValue)", "status": "\(status)", "restarts_in_window": "\(count)",
                "window": "\(config.supervisor.restartWindow)",
            ]
            if let reason { metadata["reason"] = "\(reason)" }
            logger.critical("restart storm: giving up", metadata: metadata)
            stop(reason: "restart storm of \(role.rawValue)", code: 1)
        }
        publishChildren()
    }

    /// Orderly stop: SIGTERM to every child (each stops through its one
    /// lifecycle), SIGKILL after the grace period. Nothing here waits for a
    /// child, so a stopped or hung one cannot delay the stop.
    private func stop(reason: String, code: Int32) {
        guard !stopping else { return }
        stopping = true
        exitCode = code
        logger.info("stopping", metadata: ["reason": "\(reason)", "grace": "\(config.supervisor.stopGrace)"])
        notifier?.notify("STOPPING=1\n" + SystemdNotifier.statusLine("stopping: \(reason)"))
        for slot in slots.values { slot.process?.signal(SIGTERM) }
        let grace = config.supervisor.stopGrace
        let sink = self.sink
        Task {
            try? await Task.sleep(for: grace)
            sink.yield(.graceExpired)
        }
        // Wake the loop so it can finish when no child was running.
        if slots.values.allSatisfy({ $0.process == nil }) { sink.yield(.graceExpired) }
    }

    /// SIGHUP: re-read and validate the local file; keep the running config
    /// if invalid. With `consul.config_key`, the key's last valid value is
    /// merged with the new file (it is kept until a new valid one arrives).
    private func reload() {
        let fresh: PromshardConfig
        do {
            fresh = try ConfigLoader.load(path: configPath)
        } catch {
            rejected(error, source: configPath)
            return
        }
        local = fresh
        if fresh.consul?.configKey == nil { remote = nil }
        apply(
            remote.map { RemoteConfig.merge(local: fresh, remote: $0) } ?? fresh, source: configPath,
            confirmsDrops: true)
    }

    /// `config.remote`: discovery read a new value of `consul.config_key`.
    /// Validated here (pure), then applied exactly like SIGHUP.
    private func receiveRemoteConfig(_ line: [UInt8]) {
        guard let body = try? BusCodec.decode(RemoteConfigBody.self, from: line).body else {
            logger.warning("invalid config.remote message", metadata: ["child": "discovery"])
            return
        }
        guard let key = local.consul?.configKey, body.key == key else {
            logger.debug("ignoring the value of a key no longer configured", metadata: ["key": "\(body.key)"])
            return
        }
        guard body.text != lastRemoteText else { return }
        lastRemoteText = body.text
        let source = RemoteConfig.displayName(key: key)
        let merged: PromshardConfig
        do {
            merged = try RemoteConfig.parse(body.text, key: key, local: local)
        } catch {
            rejected(error, source: source)
            return
        }
        remote = merged
        apply(merged, source: source, confirmsDrops: false)
    }

    /// The one apply path of a valid config (SIGHUP or `config.remote`):
    /// publishes `config` when it changed. An operator's SIGHUP also
    /// publishes `reload`, which confirms target removals held by
    /// `targets.max_drop`; a new value in Consul KV does not: changing the
    /// config is not a review of a mass drop of targets.
    private func apply(_ fresh: PromshardConfig, source: String, confirmsDrops: Bool) {
        Instruments.configLoaded(successful: true, now: Date().timeIntervalSince1970)
        if fresh == config {
            Instruments.configReload(result: "unchanged")
            logger.info("config reloaded: unchanged", metadata: ["config": "\(source)"])
            if confirmsDrops { publish(.reload, ReloadBody(changed: false)) }
            return
        }
        let before = roles
        config = fresh
        publishConfig()
        // A role the new config adds (`push:`, `jobs:`) starts now; one it drops stops.
        for role in roles where !before.contains(role) && slots[role]?.process == nil { start(role) }
        for (role, slot) in slots where !roles.contains(role) { slot.process?.signal(SIGTERM) }
        if confirmsDrops { publish(.reload, ReloadBody(changed: true)) }
        Instruments.configReload(result: "applied")
        logger.info(
            "config reloaded", metadata: ["config": "\(source)", "services": "\(fresh.services.count)"])
    }

    /// An invalid config: every problem logged (file or key, line, key path), the running one kept.
    private func rejected(_ errors: ConfigErrors, source: String) {
        Instruments.configReload(result: "invalid")
        Instruments.configLoaded(successful: false, now: Date().timeIntervalSince1970)
        for problem in errors.errors {
            logger.error(
                "invalid config, keeping the running one",
                metadata: ["config": "\(source)", "error": "\(problem)"])
        }
    }

    private func logStatus(_ line: [UInt8]) {
        guard let status = try? BusCodec.decode(StatusBody.self, from: line).body, status != lastStatus else {
            return
        }
        lastStatus = status
        var metadata: Logger.Metadata = [
            "healthy": "\(status.healthy)",
            "children_up": "\(status.childrenUp)/\(status.childrenTotal)",
            "assignment_version": "\(status.assignmentVersion.map(String.init) ?? "none")",
            "delivered_version": "\(status.deliveredVersion.map(String.init) ?? "none")",
        ]
        for s in status.services {
            metadata["service_\(s.service)"] =
                "collectors=\(s.collectorsHealthy)/\(s.collectorsTotal) targets=\(s.targets) deliveries_ok=\(s.deliveriesOK) deliveries_failed=\(s.deliveriesFailed)"
        }
        if !status.reasons.isEmpty { metadata["reasons"] = "\(status.reasons.joined(separator: "; "))" }
        logger.info("status", metadata: metadata)
        if !stopping { notifier?.notify(SystemdNotifier.statusLine(Self.statusLine(status))) }
    }

    /// The one-line status (systemd's `STATUS=`).
    static func statusLine(_ status: StatusBody) -> String {
        var parts = [
            status.healthy ? "healthy" : "unhealthy",
            "children \(status.childrenUp)/\(status.childrenTotal)",
            "assignment \(status.assignmentVersion.map { "v\($0)" } ?? "none")",
            "delivered \(status.deliveredVersion.map { "v\($0)" } ?? "none")",
        ]
        parts += status.reasons
        return parts.joined(separator: "; ")
    }

    // MARK: Liveness and systemd

    /// Pings every running child and replaces the ones that stopped answering.
    private func checkLiveness() {
        guard !stopping else { return }
        let now = self.now
        for role in roles {
            guard slots[role]?.process != nil, slots[role]?.killReason == nil,
                let action = slots[role]?.liveness?.tick(now: now)
            else { continue }
            switch action {
            case .wait: break
            case .ping(let id):
                seq += 1
                if let line = try? BusCodec.encode(
                    Envelope(type: .ping, from: .supervisor, seq: seq, body: PingBody(id: id)))
                {
                    send(line, to: role)
                }
            case .stuck(let waited):
                replaceStuck(
                    role,
                    reason:
                        "no answer to a liveness ping for \(waited) (child_timeout \(config.supervisor.childTimeout))"
                )
            }
        }
    }

    /// Kills a stuck child with SIGKILL; its exit restarts it like a crash
    /// (and counts toward the restart-storm policy).
    private func replaceStuck(_ role: Role, reason: String) {
        guard !stopping, var slot = slots[role], let process = slot.process, slot.killReason == nil else {
            return
        }
        slot.killReason = reason
        slot.writer?.close()
        slots[role] = slot
        logger.error(
            "child is not answering, killing it",
            metadata: ["child": "\(role.rawValue)", "pid": "\(process.pid)", "reason": "\(reason)"])
        process.signal(SIGKILL)
    }

    /// `READY=1` once every child has connected for the first time.
    private func notifyReadyOnce() {
        guard !ready, !stopping, roles.allSatisfy({ slots[$0]?.connected == true }) else { return }
        ready = true
        logger.info("all children running")
        notifier?.notify(
            "READY=1\n"
                + SystemdNotifier.statusLine(
                    "running; children \(roles.count)/\(roles.count)"))
    }

    /// `WATCHDOG=1` at half the interval systemd asked for.
    private func feedWatchdog() {
        guard let notifier, let interval = notifier.watchdogInterval else { return }
        let now = self.now
        if let last = lastWatchdog, now - last < interval / 2 { return }
        lastWatchdog = now
        notifier.notify("WATCHDOG=1")
    }
}
