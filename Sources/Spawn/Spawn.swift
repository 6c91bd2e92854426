#if canImport(Glibc)
    import Glibc
#endif

/// The one way promshard starts a process: `posix_spawn` from an argv array,
/// never through a shell.
///
/// Used for the children (which inherit the bus socket as an extra
/// descriptor, something swift-subprocess cannot do), for the helper
/// programs of the executors (`scp`, `ssh`, `ansible-playbook`), and by the
/// tests for long-running servers.
///
/// Every signal disposition is reset to its default and the signal mask is
/// cleared in the new process, so it starts clean even though the supervisor
/// ignores SIGPIPE and watches SIGTERM/SIGHUP/SIGCHLD.
public enum Spawn {
    /// Starts `argv` and returns its pid; the caller reaps it.
    /// - Parameters:
    ///   - environment: the full environment; nil inherits this process's.
    ///   - files: descriptor set-up, applied in order.
    ///   - newProcessGroup: the process leads a new process group (pgid == pid).
    ///   - searchPath: look `argv[0]` up in `PATH` when it has no slash.
    public static func start(
        _ argv: [String], environment: [String: String]? = nil, files: [FileAction] = [],
        newProcessGroup: Bool = false, searchPath: Bool = false
    ) throws(SpawnError) -> pid_t {
        guard let program = argv.first, !program.isEmpty else {
            throw SpawnError(program: "", reason: "empty command")
        }
        let environmentText = environment.map { Array($0.keys) + Array($0.values) } ?? []
        if let bad = (argv + environmentText).first(where: { $0.utf8.contains(0) }) {
            throw SpawnError(
                program: program, reason: "argument contains a NUL byte: \(bad.debugDescription)")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for action in files {
            switch action {
            case .open(let fd, let path, let flags, let mode):
                posix_spawn_file_actions_addopen(&actions, fd, path, flags, mode)
            case .dup2(let from, let to):
                posix_spawn_file_actions_adddup2(&actions, from, to)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let arguments = argv.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        let environmentStrings = environment.map { env in
            env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { for string in environmentStrings ?? [] { free(string) } }

        var pid = pid_t()
        let rc: Int32
        switch (searchPath, environmentStrings) {
        case (true, let env?): rc = posix_spawnp(&pid, program, &actions, &attributes, arguments, env)
        case (true, nil): rc = posix_spawnp(&pid, program, &actions, &attributes, arguments, environ)
        case (false, let env?): rc = posix_spawn(&pid, program, &actions, &attributes, arguments, env)
        case (false, nil): rc = posix_spawn(&pid, program, &actions, &attributes, arguments, environ)
        }
        guard rc == 0 else { throw SpawnError(program: program, errno: rc) }
        return pid
    }
}
