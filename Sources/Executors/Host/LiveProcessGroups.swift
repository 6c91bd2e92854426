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
    /// Set by ``stopAll(grace:)``: the child is stopping, nothing may run any more.
    nonisolated(unsafe) private static var stopping = false

    /// Records a live group. Once the child is stopping, the group is
    /// SIGKILLed at once instead: an executor spawned while the stop runs
    /// must not outlive the child.
    static func register(_ pgid: pid_t) {
        lock.lock()
        let refused = stopping
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

    /// The dispatch child stops: like ``terminateAll(grace:)``, and every
    /// group registered afterwards is killed at once. Blocks the calling thread.
    public static func stopAll(grace: Duration) {
        lock.lock()
        stopping = true
        lock.unlock()
        terminateAll(grace: grace)
    }

    /// Whether the child is stopping: no executor is started any more.
    static var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// SIGKILLs every live group (the supervisor is gone); later groups are killed at once too.
    public static func killAll() {
        lock.lock()
        stopping = true
        let groups = ids
        lock.unlock()
        for id in groups { kill(-id, SIGKILL) }
    }
}
