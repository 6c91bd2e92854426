import Synchronization

/// The units this instance runs now, per job: the engine counts them in and
/// out, the ``JobsRunningPublisher`` reads them. `version` grows on every
/// change, so the publisher notices a unit that started and ended between
/// two looks.
public final class UnitsRunningHere: Sendable {
    private let state = Mutex<(version: UInt64, perJob: [String: Int])>((0, [:]))

    public init() {}

    /// A unit of `job` started on this instance.
    public func started(job: String) {
        state.withLock {
            $0.version += 1
            $0.perJob[job, default: 0] += 1
        }
    }

    /// A unit of `job` ended on this instance.
    public func ended(job: String) {
        state.withLock {
            $0.version += 1
            let left = ($0.perJob[job] ?? 1) - 1
            $0.perJob[job] = left > 0 ? left : nil
        }
    }

    /// The change count and the running units per job.
    public func snapshot() -> (version: UInt64, perJob: [String: Int]) {
        state.withLock { $0 }
    }
}
