import Foundation
import Logging
import PromshardConfig
import PromshardExecutorHost
import PromshardProtocol
import PromshardRuntime
import ServiceLifecycle

/// The dispatch child: config and assignment in, executor runs out,
/// `dispatch.result` back; and every collector's http_sd document on disk,
/// announced on `sd.rendered` (for every service, leader or not).
public enum DispatchChild {
    /// Runs until graceful shutdown (SIGTERM) or EOF from the supervisor.
    ///
    /// On SIGTERM the running executors get SIGTERM (SIGKILL after 2 s) and
    /// queued history rows a second to reach the database. When the
    /// supervisor is gone, or the lifecycle cancels, executors are killed at once.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "dispatch")
        // Leader gate (consul.leader_election): deliveries run only in an open term.
        let gate = LeaderGate()
        // Delivery history (<state_dir>/history.sqlite), written off the scheduler's path.
        let historySink = HistorySink(logger: logger)
        func makeScheduler(term: Int) -> DeliveryScheduler {
            DeliveryScheduler(
                runner: { executable, request, settings in
                    guard gate.allows(term) else {
                        return ExecutorOutcome(status: .failed, message: "not the leader: delivery not run")
                    }
                    return await ExecutorRunner(killGrace: settings.killGrace).run(
                        executable: executable, request: request, deadline: settings.timeout)
                },
                publish: { if gate.allows(term) { bus.publish(.dispatchResult, $0) } },
                history: { if gate.allows(term) { historySink.record($0) } })
        }
        var scheduler = makeScheduler(term: 0)
        var leader: LeaderBody?
        var dispatching = false
        var config: PromshardConfig?
        var assignment: AssignmentBody?
        var nodes: NodesBody?
        /// The current assignment's documents, rendered once for the deliveries and http_sd.
        var rendered: RenderedShares?
        // http_sd documents (`sd.rendered`): every service, leader or not.
        let sd = SDPublisher(logger: logger)
        func publishSD() async {
            guard let config else { return }
            if let body = await sd.update(
                config: config, assignment: assignment, rendered: rendered, nodes: nodes)
            {
                bus.publish(.sdRendered, body)
            }
        }
        /// A replaced scheduler cancels its retries; the new one knows which collectors are down.
        func replaceScheduler(term: Int) async {
            await scheduler.stop()
            scheduler = makeScheduler(term: term)
            if let nodes { await scheduler.observe(nodes) }
        }
        let messages = bus.start(subscribe: [.config, .leader, .dispatchResult, .assignment, .nodes])
        for await message in messages.cancelOnGracefulShutdown() {
            do {
                switch message.topic {
                case .config:
                    config = try message.body(PromshardConfig.self)
                    if let config { historySink.use(stateDir: config.stateDir) }
                    await publishSD()
                case .assignment:
                    let body = try message.body(AssignmentBody.self)
                    assignment = body
                    rendered = RenderedShares(body)
                    await publishSD()
                case .leader: leader = try message.body(LeaderBody.self)
                case .nodes:
                    let body = try message.body(NodesBody.self)
                    nodes = body
                    await publishSD()
                    // Health changes come with a new assignment; only a new collector needs a round here.
                    guard await scheduler.observe(body) else { continue }
                case .dispatchResult:
                    await scheduler.restore(try message.body(DispatchResultBody.self))
                    continue
                default: continue
                }
            } catch {
                logger.error(
                    "cannot decode message",
                    metadata: ["topic": "\(message.topic.rawValue)", "error": "\(error)"])
                continue
            }
            let allowed = LeaderGate.mayDispatch(config: config, leader: leader)
            if allowed != dispatching, config != nil {
                dispatching = allowed
                if config?.consul?.leaderElection == true {
                    if allowed {
                        // A new term: forget what collectors have, another leader may have changed it.
                        await replaceScheduler(term: gate.openTerm())
                        logger.info("leader: dispatching the current assignment")
                    } else {
                        gate.close()
                        // Drop the term's scheduler: its resync timer holds it weakly and stops,
                        // so a follower does not keep attempting (and logging) refused deliveries.
                        await replaceScheduler(term: 0)
                        logger.warning("not the leader: deliveries stopped")
                        await runBlocking { ProcessGroups.terminateAll(grace: .seconds(2)) }
                    }
                }
            }
            if dispatching, let config, let assignment {
                await scheduler.apply(
                    config: config, assignment: assignment, rendered: rendered ?? RenderedShares(assignment))
            }
        }
        // Stopping: no delivery starts any more (retries and resyncs of the
        // scheduler included), and no result is published.
        gate.close()
        await scheduler.stop()
        if bus.supervisorGone || Task.isCancelled {
            // Exit at once: no executor outlives dispatch.
            ProcessGroups.killAll()
        } else {
            await runBlocking { ProcessGroups.stopAll(grace: .seconds(2)) }
            _ = await historySink.waitUntilIdle(timeout: .seconds(1))
        }
    }
}
