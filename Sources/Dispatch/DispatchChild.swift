import Logging
import PromshardBus
import PromshardConfig
import PromshardProtocol

/// The dispatch child: config and assignment in, executor runs out,
/// `dispatch.result` back.
public enum DispatchChild {
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "dispatch")
        let scheduler = DeliveryScheduler(
            runner: { executable, request, settings in
                await ExecutorRunner(killGrace: settings.killGrace).run(
                    executable: executable, request: request, deadline: settings.timeout)
            },
            publish: { bus.publish(.dispatchResult, $0) })
        var config: PromshardConfig?
        var assignment: AssignmentBody?
        let messages = bus.start(
            subscribe: [.config, .dispatchResult, .assignment, .shutdown],
            onSupervisorGone: { ProcessGroups.killAll() })
        for await message in messages {
            do {
                switch message.topic {
                case .config: config = try message.body(PromshardConfig.self)
                case .assignment: assignment = try message.body(AssignmentBody.self)
                case .dispatchResult:
                    await scheduler.restore(try message.body(DispatchResultBody.self))
                    continue
                case .shutdown:
                    ProcessGroups.terminateAll(grace: .seconds(2))
                    return
                default: continue
                }
            } catch {
                logger.error("cannot decode message", metadata: ["topic": "\(message.topic.rawValue)", "error": "\(error)"])
                continue
            }
            if let config, let assignment { await scheduler.apply(config: config, assignment: assignment) }
        }
    }
}
