import CoreMetrics
import PromshardProtocol

/// Bootstraps swift-metrics with a ``BusMetricsFactory`` and publishes the
/// process's snapshot on the bus every `every` when it changed.
///
/// `publish` is the bus's publish function (this module does not depend on
/// the bus); it returns false when the supervisor is gone.
public final class MetricsReporter: Sendable {
    /// The store of this process.
    public let store: MetricsStore
    private let role: Role
    private let pid: Int32
    private let startedMs: Int64

    /// Creates the store. Call ``bootstrap()`` once per process.
    public init(role: Role, pid: Int32, startedMs: Int64) {
        self.store = MetricsStore()
        self.role = role
        self.pid = pid
        self.startedMs = startedMs
    }

    /// Makes swift-metrics record into ``store``. Once per process.
    public func bootstrap() {
        MetricsSystem.bootstrap(BusMetricsFactory(store: store))
    }

    /// The current snapshot as a bus body.
    public func body() -> MetricsBody {
        MetricsBody(role: role, pid: pid, startedMs: startedMs, families: store.snapshot())
    }

    /// Publishes every `every` while changed, until the task is cancelled.
    public func run(every: Duration = .seconds(2), publish: @escaping @Sendable (MetricsBody) -> Bool) async {
        var published: UInt64? = nil
        while !Task.isCancelled {
            let changes = store.changes
            if changes != published {
                if publish(body()) { published = changes }
            }
            try? await Task.sleep(for: every)
        }
    }
}
