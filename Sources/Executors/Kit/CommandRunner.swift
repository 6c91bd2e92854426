import PromshardSpawn

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a helper program of an executor (`scp`, `ssh`, `ansible-playbook`)
/// from an argv array — never through a shell — with its output captured and
/// a timeout of its own.
///
/// The helper stays in the executor's process group, so the caller's group
/// kill at the executor's deadline reaches it and everything it started.
/// Its stdin is `/dev/null`, so it can never wait for a password. At the
/// timeout it gets SIGTERM, then SIGKILL after `killGrace`.
public enum CommandRunner {
    /// Bytes kept of stdout and of stderr (the newest ones).
    public static let outputTailBytes = 64 * 1024

    /// Runs `argv` (`argv[0]` is looked up in `PATH` when it has no slash).
    /// - Parameter environment: the full environment; nil inherits this process's.
    public static func run(
        _ argv: [String], environment: [String: String]? = nil, timeout: Duration,
        killGrace: Duration = .seconds(1)
    ) throws(CommandError) -> CommandResult {
        let program = argv.first ?? ""
        let clock = ContinuousClock()
        let started = clock.now

        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw CommandError(program: program, errno: errno, "pipe") }
        guard pipe(&err) == 0 else {
            close(out[0])
            close(out[1])
            throw CommandError(program: program, errno: errno, "pipe")
        }
        // Executors are single-threaded: no spawn can race between pipe() and FD_CLOEXEC.
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        let spawned: Result<pid_t, SpawnError>
        do throws(SpawnError) {
            spawned = .success(
                try Spawn.start(
                    argv, environment: environment,
                    files: [
                        .open(fd: 0, path: "/dev/null", flags: O_RDONLY), .dup2(from: out[1], to: 1),
                        .dup2(from: err[1], to: 2),
                    ], searchPath: true))
        } catch {
            spawned = .failure(error)
        }
        close(out[1])
        close(err[1])
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let error):
            close(out[0])
            close(err[0])
            if let code = error.code { throw CommandError(program: program, errno: code, "start") }
            throw CommandError(program: program, message: error.reason)
        }

        var stdout = TailBuffer(limit: outputTailBytes)
        var stderr = TailBuffer(limit: outputTailBytes)
        var open: [Int32: Bool] = [out[0]: true, err[0]: true]
        defer {
            close(out[0])
            close(err[0])
        }
        let deadline = started + timeout
        var termAt: ContinuousClock.Instant?
        var killed = false
        var status: Int32?
        var exitedAt: ContinuousClock.Instant?

        while true {
            // Reap as soon as the helper exits; keep reading a moment for the rest of its output.
            if status == nil {
                var s: Int32 = 0
                if waitpid(pid, &s, WNOHANG) == pid {
                    status = s
                    exitedAt = clock.now
                }
            }
            let now = clock.now
            if let exitedAt, !open.values.contains(true) || now - exitedAt > .milliseconds(200) { break }
            if status == nil {
                if termAt == nil, now >= deadline {
                    kill(pid, SIGTERM)
                    termAt = now
                } else if let termAt, !killed, now - termAt >= killGrace {
                    kill(pid, SIGKILL)
                    killed = true
                }
            }
            var fds = open.filter(\.value).keys.sorted().map {
                pollfd(fd: $0, events: Int16(POLLIN), revents: 0)
            }
            if fds.isEmpty {
                usleep(10_000)
                continue
            }
            let n = poll(&fds, nfds_t(fds.count), 20)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            for p in fds where p.revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 16 * 1024)
                let got = chunk.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    if p.fd == out[0] { stdout.append(chunk[0..<got]) } else { stderr.append(chunk[0..<got]) }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    open[p.fd] = false
                }
            }
        }
        if status == nil {
            // Output ended long after the exit was missed: wait for it (it is already dying or dead).
            var s: Int32 = 0
            while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
            status = s
        }
        let raw = status ?? 0
        let termination: CommandResult.Termination =
            (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
        return CommandResult(
            termination: termination, timedOut: termAt != nil, stdout: stdout.text, stderr: stderr.text,
            duration: clock.now - started)
    }
}

/// The newest `limit` bytes of a stream.
struct TailBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    init(limit: Int) { self.limit = limit }
    mutating func append(_ chunk: ArraySlice<UInt8>) {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
    }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
