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

    /// Records a live group.
    static func register(_ pgid: pid_t) {
        lock.lock()
        ids.insert(pgid)
        lock.unlock()
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

    /// SIGKILLs every live group.
    public static func killAll() {
        lock.lock()
        let groups = ids
        lock.unlock()
        for id in groups { kill(-id, SIGKILL) }
    }
}
