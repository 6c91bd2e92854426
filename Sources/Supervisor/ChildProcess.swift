import Foundation
import PromshardProtocol
import PromshardRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A running child: the same binary re-executed as `promshard child <role>`,
/// connected to the supervisor by a socketpair whose child end is fd 3.
///
/// Children are spawned with `posix_spawn` rather than swift-subprocess
/// because the bus socket must be inherited as an extra descriptor.
struct ChildProcess {
    let role: Role
    let pid: pid_t
    let socket: LineSocket
    /// Monotonic start time.
    let started: ContinuousClock.Instant

    /// Descriptor number of the bus socket in the child.
    static let childBusFD: Int32 = 3

    /// Spawns `executable child <role> <extraArguments…>`.
    static func spawn(role: Role, executable: String, extraArguments: [String]) throws -> ChildProcess {
        let (parentEnd, childEnd) = try LineSocket.pair()
        // dup2(fd, 3) would keep close-on-exec if the fd already is 3: move it away first.
        let movedFD = fcntl(childEnd.fd, F_DUPFD_CLOEXEC, 10)
        guard movedFD >= 0 else { throw BusError.system("fcntl", errno) }
        defer {
            _ = close(movedFD)
            childEnd.closeDescriptor()
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, movedFD, childBusFD)

        // The supervisor ignores some signals to watch them: give children defaults back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD] {
            sigaddset(&defaults, sig)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // Each child leads its own process group: a terminal's Ctrl-C or `timeout`
        // signal the supervisor's group only, and the supervisor stops the children in order.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let arguments = [executable, "child", role.rawValue] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment[ChildBus.fdEnvironment] = String(childBusFD)
        // systemd talks to the supervisor only (NotifyAccess=main).
        for key in SystemdNotifier.environmentKeys { environment[key] = nil }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            parentEnd.close()
            throw BusError.system("posix_spawn \(executable)", rc)
        }
        return ChildProcess(role: role, pid: pid, socket: parentEnd, started: .now)
    }

    /// Sends a signal to the child.
    func signal(_ sig: Int32) { _ = kill(pid, sig) }
}

/// How a process ended, from a waitpid status.
enum ExitStatus: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(status & 0x7f)
        }
    }

    var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let sig): "killed by \(signalName(sig))"
        }
    }
}

/// Blocks (on a thread outside the concurrency pool) until `pid` exits.
func waitForExit(_ pid: pid_t) async -> ExitStatus {
    await runBlocking {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        return ExitStatus(waitStatus: status)
    }
}
