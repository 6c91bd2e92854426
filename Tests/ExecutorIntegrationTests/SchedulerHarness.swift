import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardExecutorHost
import PromshardHistory
import PromshardProtocol

/// A DeliveryScheduler wired like the dispatch child (real ExecutorRunner,
/// a HistoryRecorder), recording every published result in order.
final class SchedulerHarness: @unchecked Sendable {
    let scheduler: DeliveryScheduler
    let recorder: HistoryRecorder?
    private let lock = NSLock()
    private var finished: [DeliveryRecord] = []
    private var events: [HistoryRecorder.Event] = []

    init(historyPath: String?) {
        let box = Box()
        if let historyPath {
            recorder = HistoryRecorder(path: historyPath) { event in box.harness?.note(event) }
        } else {
            recorder = nil
        }
        let recorder = self.recorder
        scheduler = DeliveryScheduler(
            runner: { executable, request, settings in
                await ExecutorRunner(killGrace: settings.killGrace).run(
                    executable: executable, request: request, deadline: settings.timeout)
            },
            publish: { _ in },
            history: { entry in
                box.harness?.note(entry)
                recorder?.record(entry)
            })
        box.harness = self
    }

    /// Weak link from the callbacks back to the harness.
    final class Box: @unchecked Sendable {
        weak var harness: SchedulerHarness?
    }

    private func note(_ entry: HistoryEntry) {
        lock.withLock {
            finished.append(
                DeliveryRecord(
                    service: entry.service, collector: entry.collector, status: entry.status,
                    message: entry.message,
                    sha256: entry.sha256, assignmentVersion: UInt64(entry.assignmentVersion),
                    attempt: entry.attempt,
                    startedMs: entry.startedMs, durationMs: entry.durationMs, targetCount: entry.targetCount,
                    stderrTail: entry.stderrTail))
        }
    }

    private func note(_ event: HistoryRecorder.Event) {
        lock.withLock { events.append(event) }
    }

    /// Every finished attempt, in the order they finished.
    var attempts: [DeliveryRecord] { lock.withLock { finished } }

    /// What the history recorder reported.
    var historyEvents: [HistoryRecorder.Event] { lock.withLock { events } }

    /// Waits until `condition` holds on the finished attempts.
    func wait(timeout: Duration = .seconds(60), _ condition: ([DeliveryRecord]) -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition(attempts) { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return condition(attempts)
    }

    /// A config with one service `node` and `dispatch` settings.
    static func config(stateDir: String, dispatch: DispatchSettings) -> PromshardConfig {
        PromshardConfig(
            sourcePath: "/promshard.yaml", stateDir: stateDir,
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: dispatch)
            ])
    }

    /// An assignment of service `node`: per collector (address, port), its targets.
    static func assignment(_ version: UInt64, _ shares: [(address: String, port: Int, targets: [String])])
        -> AssignmentBody
    {
        AssignmentBody(
            version: version,
            services: [
                ServiceAssignment(
                    service: "node",
                    collectors: shares.map {
                        CollectorAssignment(
                            name: "\($0.address):\($0.port)", address: $0.address, port: $0.port,
                            targetCount: $0.targets.count, groups: [TargetGroup(targets: $0.targets)])
                    }, targetCount: shares.map(\.targets.count).reduce(0, +), replicas: 1, moved: 0,
                    idealMoved: 0)
            ])
    }
}
