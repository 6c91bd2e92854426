import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The process groups of the executors running right now, so that the
/// dispatch child can kill them all when it has to exit at once (its
/// supervisor vanished, or it was asked to stop): no executor outlives it.
public enum ProcessGroups {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var ids: Set<pid_t> = []
    nonisolated(unsafe) private static var closed = false

    /// Records a live group. After ``closeAndKillAll()`` a group that was
    /// still being spawned is killed at once instead.
    static func register(_ pgid: pid_t) {
        lock.lock()
        let refused = closed
        if !refused { ids.insert(pgid) }
        lock.unlock()
        if refused { kill(-pgid, SIGKILL) }
    }

    /// Forgets a group that is gone.
    static func unregister(_ pgid: pid_t) {
        lock.lock()
        ids.remove(pgid)
        lock.unlock()
    }

    /// SIGTERMs every live group, waits up to `grace` for them to go, then
    /// SIGKILLs what is left. Blocks the calling thread.
    public static func terminateAll(grace: Duration) {
        lock.lock()
        let groups = ids
        lock.unlock()
        for id in groups { kill(-id, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline && groups.contains(where: { kill(-$0, 0) == 0 }) {
            usleep(20_000)
        }
        for id in groups { kill(-id, SIGKILL) }
    }

    /// The child is going away at once: SIGKILLs every live group and every
    /// group registered from now on (a delivery that was already past its
    /// checks when the stop came must not leave an executor behind).
    public static func closeAndKillAll() {
        lock.lock()
        closed = true
        lock.unlock()
        killAll()
    }

    /// SIGKILLs every live group.
    public static func killAll() {
        lock.lock()
        let groups = ids
        lock.unlock()
        for id in groups { kill(-id, SIGKILL) }
    }
}
