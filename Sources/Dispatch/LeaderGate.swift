import Foundation
import PromshardConfig
import PromshardProtocol

/// Whether this instance may run deliveries, shared with the executor runner
/// and the result publisher of the current ``DeliveryScheduler``.
///
/// With `consul.leader_election`, only the lock holder dispatches. Each
/// leadership term gets a fresh scheduler (another leader may have changed
/// what the collectors have) with its own generation; a runner or publisher
/// of an older generation, or one running while not leader, does nothing.
public final class LeaderGate: @unchecked Sendable {
    private let lock = NSLock()
    /// Term 0 is the one a dispatch child starts with: open, so that without
    /// leader election nothing changes; closed if election turns out to be on
    /// and this instance is not the leader.
    private var generation = 0
    private var open = true

    public init() {}

    /// Whether deliveries may run under `config` with `leader` (pure).
    public static func mayDispatch(config: PromshardConfig?, leader: LeaderBody?) -> Bool {
        guard config?.consul?.leaderElection == true else { return true }
        return leader?.enabled == true && leader?.isLeader == true
    }

    /// Opens a new term; returns its generation.
    public func openTerm() -> Int {
        lock.lock()
        defer { lock.unlock() }
        generation += 1
        open = true
        return generation
    }

    /// Closes the current term.
    public func close() {
        lock.lock()
        open = false
        lock.unlock()
    }

    /// Whether the term `g` is the current, open one.
    public func allows(_ g: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return open && g == generation
    }
}
