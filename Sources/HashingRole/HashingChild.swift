import Logging
import PromshardBus
import PromshardConfig
import PromshardMetrics
import PromshardProtocol

/// The hashing child: config, nodes and targets in; `assignment` out.
///
/// It also subscribes to its own `assignment` topic: after a restart the
/// supervisor replays the last one, so versions continue and movement is
/// measured against what was really handed out.
public enum HashingChild {
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "hashing")
        var config: PromshardConfig?
        var nodes: NodesBody?
        var targets: TargetsBody?
        var current: AssignmentBody?
        // Per service: the target index and the last plan, reused between messages.
        var memos: [String: AssignmentMemo] = [:]

        for await message in bus.start(subscribe: [.config, .assignment, .nodes, .targets, .shutdown]) {
            do {
                switch message.topic {
                case .config: config = try message.body(PromshardConfig.self)
                case .nodes: nodes = try message.body(NodesBody.self)
                case .targets: targets = try message.body(TargetsBody.self)
                case .assignment:
                    current = try message.body(AssignmentBody.self)
                    continue
                case .shutdown: return
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
            if unchanged { continue }
            let body = AssignmentBody(version: (current?.version ?? 0) + 1, services: services)
            current = body
            bus.publish(.assignment, body)
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
    }
}
