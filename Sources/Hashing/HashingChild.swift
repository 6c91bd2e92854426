import Logging
import PromshardConfig
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime
import ServiceLifecycle

/// The hashing child: config, nodes and targets in; `assignment` out.
///
/// It also subscribes to its own `assignment` topic: after a restart the
/// supervisor replays the last one, so versions continue and movement is
/// measured against what was really handed out. After a restart of the whole
/// daemon (nothing retained) it resumes from `<state_dir>/assignment.json`
/// (`AssignmentStore`), which it rewrites after every publication, and
/// publishes that assignment once even if nothing changed.
public enum HashingChild {
    /// Runs until graceful shutdown (SIGTERM) or EOF from the supervisor.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "hashing")
        var config: PromshardConfig?
        var nodes: NodesBody?
        var targets: TargetsBody?
        var current: AssignmentBody?
        let store = AssignmentStore(onError: { logger.error("\($0)") })
        // Loaded from state_dir and not yet published by this process.
        var resumed: AssignmentBody?
        var loaded = false
        // Per service: the target index and the last plan, reused between messages.
        var memos: [String: AssignmentMemo] = [:]

        let messages = bus.start(subscribe: [.config, .assignment, .nodes, .targets])
        for await message in messages.cancelOnGracefulShutdown() {
            do {
                switch message.topic {
                case .config:
                    config = try message.body(PromshardConfig.self)
                    if !loaded, current == nil, let config {
                        loaded = true
                        (resumed, current) = resume(stateDir: config.stateDir, logger: logger)
                    }
                case .nodes: nodes = try message.body(NodesBody.self)
                case .targets: targets = try message.body(TargetsBody.self)
                case .assignment:
                    current = try message.body(AssignmentBody.self)
                    resumed = nil
                    continue
                default: continue
                }
            } catch {
                logger.error(
                    "cannot decode message",
                    metadata: ["topic": "\(message.topic.rawValue)", "error": "\(error)"])
                continue
            }
            guard let config, let nodes, let targets else { continue }
            let clock = ContinuousClock()
            let started = clock.now
            let services = AssignmentBuilder.buildAll(
                config: config, nodes: nodes, targets: targets, previous: current, memos: &memos)
            let unchanged = current.map { AssignmentBuilder.samePlacement($0.services, services) } ?? false
            Instruments.assignmentComputed(took: clock.now - started, published: !unchanged)
            if unchanged {
                if let body = resumed {
                    resumed = nil
                    bus.publish(.assignment, body)
                    bus.publish(.assignmentSummary, body.summary)
                }
                continue
            }
            let body = AssignmentBody(version: (current?.version ?? 0) + 1, services: services)
            current = body
            resumed = nil
            bus.publish(.assignment, body)
            store.save(body, stateDir: config.stateDir)
            bus.publish(.assignmentSummary, body.summary)
            let elapsed = clock.now - started
            for s in services {
                var metadata: Logger.Metadata = [
                    "version": "\(body.version)", "service": "\(s.service)",
                    "collectors": "\(s.collectors.count)",
                    "targets": "\(s.targetCount)", "moved": "\(s.moved)", "ideal_moved": "\(s.idealMoved)",
                    "took": "\(elapsed)",
                ]
                if let kept = s.keptPrevious { metadata["kept_previous"] = "\(kept)" }
                if !s.warnings.isEmpty { metadata["warnings"] = "\(s.warnings.joined(separator: "; "))" }
                logger.log(level: s.keptPrevious == nil ? .info : .warning, "assignment", metadata: metadata)
            }
        }
        // Stopped (graceful shutdown or EOF): the last assignment reaches the state file.
        store.flush()
    }

    /// The assignment saved under `stateDir`, if any, as (not yet published, current).
    private static func resume(stateDir: String, logger: Logger) -> (AssignmentBody?, AssignmentBody?) {
        let (body, error) = AssignmentStore.load(stateDir: stateDir)
        if let error { logger.error("cannot resume the saved assignment; computing afresh: \(error)") }
        if let body {
            logger.info(
                "resuming the saved assignment",
                metadata: [
                    "version": "\(body.version)", "path": "\(AssignmentStore.path(stateDir: stateDir))",
                ])
        }
        return (body, body)
    }
}
