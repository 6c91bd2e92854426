import Foundation
import PromshardSpawn

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running helper (sshd) started with ``Spawn`` (posix_spawn), output to a log
/// file, stopped and reaped by ``stop()``.
///
/// Not Foundation's `Process`: it watches its children through a socket the
/// child inherits, and sshd closes every inherited descriptor at start-up,
/// which makes Foundation believe sshd exited and block its monitor thread
/// in `waitpid` for good — every later `Process` in the test run then hangs.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    let logPath: String

    init(_ argv: [String], log: String) throws {
        logPath = log
        pid = try Spawn.start(
            argv,
            files: [
                .open(fd: 0, path: "/dev/null", flags: O_RDONLY),
                .open(fd: 1, path: log, flags: O_WRONLY | O_CREAT | O_TRUNC), .dup2(from: 1, to: 2),
            ])
    }

    /// What it wrote so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, SIGKILL after a second, and reap.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }
}
