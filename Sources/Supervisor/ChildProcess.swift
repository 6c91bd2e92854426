import Foundation
import PromshardProtocol
import PromshardRuntime
import PromshardSpawn

#if canImport(Glibc)
    import Glibc
#endif

/// A running child: the same binary re-executed as `promshard child <role>`,
/// connected to the supervisor by a socketpair whose child end is fd 3.
///
/// Children are spawned with ``Spawn`` (posix_spawn) rather than
/// swift-subprocess because the bus socket must be inherited as an extra
/// descriptor.
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

        let arguments = [executable, "child", role.rawValue] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment[ChildBus.fdEnvironment] = String(childBusFD)
        // systemd talks to the supervisor only (NotifyAccess=main).
        for key in SystemdNotifier.environmentKeys { environment[key] = nil }
        // Each child leads its own process group: a terminal's Ctrl-C or `timeout`
        // signal the supervisor's group only, and the supervisor stops the children in order.
        let pid: pid_t
        do {
            pid = try Spawn.start(
                arguments, environment: environment, files: [.dup2(from: movedFD, to: childBusFD)],
                newProcessGroup: true)
        } catch {
            parentEnd.close()
            throw error
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
