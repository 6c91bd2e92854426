import PromshardProtocol

/// Which collectors are known to be down: unhealthy in the last `nodes`
/// message. Pure.
///
/// The scheduler uses it to tell an expected failure from an alarm: a
/// collector that left the assignment because it died is sent `[]`, and
/// that delivery failing while the collector is down is expected. Such a
/// drain is *deferred*: retried quietly and delivered when the collector is
/// back. A collector missing from `nodes` (removed from the config) is not
/// known to be down, so a failure to reach it stays an error.
struct CollectorsDown: Sendable, Equatable {
    private var down: Set<DeliveryScheduler.Key> = []

    /// Whether the collector was unhealthy in the last `nodes`.
    func contains(_ key: DeliveryScheduler.Key) -> Bool { down.contains(key) }

    /// Takes the next `nodes`; returns the collectors that were down and are healthy now.
    mutating func update(_ nodes: NodesBody) -> Set<DeliveryScheduler.Key> {
        var now: Set<DeliveryScheduler.Key> = []
        var healthy: Set<DeliveryScheduler.Key> = []
        for (service, collectors) in nodes.services {
            for c in collectors {
                let key = DeliveryScheduler.Key(service: service, collector: c.name)
                if c.healthy { healthy.insert(key) } else { now.insert(key) }
            }
        }
        let back = down.intersection(healthy)
        down = now
        return back
    }
}
