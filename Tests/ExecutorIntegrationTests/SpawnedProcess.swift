import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running helper (sshd) started with `posix_spawn`, output to a log
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
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let arguments = argv.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var child = pid_t()
        let rc = posix_spawn(&child, argv[0], &actions, &attributes, arguments, environ)
        guard rc == 0 else {
            throw SpawnError(message: "cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
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

struct SpawnError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
