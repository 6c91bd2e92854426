import Logging
import PromshardBus
import PromshardConfig
import PromshardProtocol

/// The health child: listens to everything and publishes a `status`
/// summary when it changes. (Zabbix, /metrics and the HTTP endpoints build
/// on this in a later issue.)
public enum HealthChild {
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "health")
        var builder = StatusBuilder()
        var last: StatusBody?
        let topics: [Topic] = [.config, .children, .nodes, .targets, .assignment, .dispatchResult, .shutdown]
        for await message in bus.start(subscribe: topics) {
            do {
                switch message.topic {
                case .config: builder.config = try message.body(PromshardConfig.self)
                case .children: builder.children = try message.body(ChildrenBody.self)
                case .nodes: builder.nodes = try message.body(NodesBody.self)
                case .targets: builder.targets = try message.body(TargetsBody.self)
                case .assignment: builder.assignment = try message.body(AssignmentBody.self)
                case .dispatchResult: builder.dispatch = try message.body(DispatchResultBody.self)
                case .shutdown: return
                default: continue
                }
            } catch {
                logger.error("cannot decode message", metadata: ["topic": "\(message.topic.rawValue)", "error": "\(error)"])
                continue
            }
            guard builder.children != nil else { continue }  // the supervisor's view comes first
            let status = builder.build()
            if status != last {
                last = status
                bus.publish(.status, status)
            }
        }
    }
}
