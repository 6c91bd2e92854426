import Synchronization

/// The ``HealthModel`` shared by the bus loop, the HTTP endpoints and the
/// Zabbix heartbeat of the health child.
public final class HealthStore: Sendable {
    private let model: Mutex<HealthModel>

    public init(startedMs: Int64) { model = Mutex(HealthModel(startedMs: startedMs)) }

    /// Reads the model.
    public func read<T: Sendable>(_ body: (HealthModel) -> T) -> T { model.withLock { body($0) } }

    /// Changes the model.
    public func update<T: Sendable>(_ body: (inout HealthModel) throws -> T) rethrows -> T {
        try model.withLock { try body(&$0) }
    }
}
