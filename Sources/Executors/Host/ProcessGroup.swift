#if canImport(Glibc)
    import Glibc
#endif

/// A process group led by an executor we spawned (pgid == the leader's pid).
///
/// PID reuse: signals go to `-pgid`. While the leader is alive or an
/// unreaped zombie, its pid (and so the group id) cannot be reused, and the
/// runner only kills the group before the leader is reaped (see
/// ``ExecutorRunner``). Even after reaping, Linux does not recycle a pid that
/// still names a live process group, so a kill can only ever reach members of
/// this group or, if the group is empty, nothing at all.
struct ProcessGroup: Sendable {
    let id: pid_t

    /// Sends `signal` to every member of the group. Returns false if the group
    /// has no member left (ESRCH).
    @discardableResult
    func send(_ signal: Int32) -> Bool {
        kill(-id, signal) == 0
    }

    /// Whether the leader has terminated, without reaping it (`WNOWAIT`), so its
    /// pid keeps holding the group id until the leader is reaped.
    func leaderHasExited() -> Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(id), &info, WEXITED | WNOHANG | WNOWAIT)
        if rc != 0 {
            // ECHILD: already reaped (not by us) or not our child: treat as gone.
            return errno == ECHILD
        }
        // With WNOHANG and no state change, waitid leaves si_signo (and si_pid) zero.
        return info.si_signo == SIGCHLD
    }

    /// Whether any process is still in the group.
    func hasMembers() -> Bool {
        kill(-id, 0) == 0 || errno == EPERM
    }
}
