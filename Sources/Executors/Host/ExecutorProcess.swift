import Dispatch
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// What happened to one executor process, before interpretation.
struct ExecutorProcessResult: Sendable {
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }
    /// Why the runner stopped the process itself, if it did.
    enum Stop: Sendable, Equatable {
        /// The deadline passed: SIGTERM to the group (and SIGKILL after the grace if `escalated`).
        case deadline(escalated: Bool)
        /// The calling task was cancelled: SIGKILL to the group.
        case cancelled
    }
    var termination: Termination
    var stop: Stop?
    var stdoutLines: [String]
    var stderrTail: String
    var duration: Duration
}

/// The executable could not be started.
struct ExecutorSpawnError: Error, Sendable {
    var message: String
}

/// Spawns one executor in its own process group and supervises it.
///
/// Built on swift-subprocess 1.0.2, which already provides what is needed:
/// - `PlatformOptions.processGroupID = 0` makes the child a group leader
///   (`POSIX_SPAWN_SETPGROUP`), so pgid == pid;
/// - it always resets every signal disposition to default
///   (`POSIX_SPAWN_SETSIGDEF` over all signals) and clears the signal mask
///   (`POSIX_SPAWN_SETSIGMASK`), so an executor starts clean even when this
///   process ignores SIGTERM/SIGPIPE;
/// - when the child exits it cancels pending pipe reads (after a final drain),
///   so a grandchild holding stdout open cannot hang the reads;
/// - it reaps the child only after the body closure returns.
///
/// The body closure therefore supervises until the leader has exited, polling
/// `waitid(WNOWAIT)` (which does not reap): at the deadline it sends SIGTERM to
/// the group, after the grace SIGKILL; once the leader has exited it SIGKILLs
/// whatever is left in the group. Because all of this happens before
/// swift-subprocess reaps the leader, the group id cannot have been reused.
enum ExecutorProcess {
    /// Bytes of stderr kept.
    static let stderrTailBytes = 4096

    static func run(
        executable: String, arguments: [String], stdin: [UInt8], deadline: Duration, killGrace: Duration,
        maxOutputBytes: Int, onLine: (@Sendable (String) -> Void)? = nil
    ) async throws(ExecutorSpawnError) -> ExecutorProcessResult {
        _ = ignoreSIGPIPE
        // The dispatch child is stopping: an executor started now would outlive it.
        if ProcessGroups.isStopping { throw ExecutorSpawnError(message: "not started: dispatch is stopping") }
        let clock = ContinuousClock()
        let start = clock.now
        let deadlineAt = start + deadline

        var options = PlatformOptions()
        options.processGroupID = 0
        // If the calling task is cancelled, swift-subprocess tears the child
        // down; make its final SIGKILL reach the whole group.
        options.teardownSequence = [
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .zero)
        ]

        let execution: ExecutionResult<Captured, SequenceOutput, SequenceOutput>
        do {
            execution = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), platformOptions: options,
                input: .inputWriter, output: .sequence, error: .sequence
            ) { execution in
                await supervise(
                    execution, stdin: stdin, deadlineAt: deadlineAt, killGrace: killGrace,
                    maxOutputBytes: maxOutputBytes, clock: clock, onLine: onLine)
            }
        } catch {
            throw ExecutorSpawnError(message: spawnFailureMessage(executable, error))
        }
        let captured = execution.closureResult
        let termination: ExecutorProcessResult.Termination
        switch execution.terminationStatus {
        case .exited(let code): termination = .exited(code)
        case .signaled(let signal): termination = .signaled(signal)
        }
        return ExecutorProcessResult(
            termination: termination, stop: captured.stop, stdoutLines: captured.stdoutLines,
            stderrTail: captured.stderrTail, duration: clock.now - start)
    }

    /// What the body closure gathers.
    struct Captured: Sendable {
        var stop: ExecutorProcessResult.Stop?
        var stdoutLines: [String] = []
        var stderrTail = ""
    }

    private enum Piece: Sendable {
        case input
        case stdout([String])
        case stderr(String)
        case supervision(ExecutorProcessResult.Stop?)
    }

    /// Feeds stdin, drains stdout/stderr under their caps and enforces the
    /// deadline, until the leader has exited and its group has been killed.
    private static func supervise(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, stdin: [UInt8],
        deadlineAt: ContinuousClock.Instant, killGrace: Duration, maxOutputBytes: Int, clock: ContinuousClock,
        onLine: (@Sendable (String) -> Void)?
    ) async -> Captured {
        let group = ProcessGroup(id: execution.processIdentifier.value)
        // Known to the dispatch child's emergency stop until the group is dead.
        ProcessGroups.register(group.id)
        return await withTaskGroup(of: Piece.self, returning: Captured.self) { tasks in
            tasks.addTask {
                // Errors (EPIPE: the executor exited without reading) are not ours to report.
                if !stdin.isEmpty { _ = try? await execution.standardInputWriter.write(stdin) }
                try? await execution.standardInputWriter.finish()
                return .input
            }
            tasks.addTask {
                var lines = ExecutorLineCollector(maxBytes: maxOutputBytes)
                var stream = onLine.map { StreamedLines(onLine: $0) }
                do {
                    for try await chunk in execution.standardOutput {
                        chunk.withUnsafeBytes {
                            lines.append($0)
                            stream?.append($0)
                        }
                    }
                } catch {
                    // A read error ends the capture; the process is still supervised.
                }
                lines.finish()
                stream?.finish()
                return .stdout(lines.keptLines)
            }
            tasks.addTask {
                var tail = ExecutorTailCollector(maxBytes: stderrTailBytes)
                do {
                    for try await chunk in execution.standardError {
                        chunk.withUnsafeBytes { tail.append($0) }
                    }
                } catch {}
                return .stderr(tail.text)
            }
            tasks.addTask {
                .supervision(
                    await enforceDeadline(group, deadlineAt: deadlineAt, killGrace: killGrace, clock: clock))
            }
            var captured = Captured()
            for await piece in tasks {
                switch piece {
                case .input: break
                case .stdout(let lines): captured.stdoutLines = lines
                case .stderr(let tail): captured.stderrTail = tail
                case .supervision(let stop): captured.stop = stop
                }
            }
            return captured
        }
    }

    /// Waits for the leader to exit, killing the group at the deadline;
    /// finally kills whatever is left in the group.
    private static func enforceDeadline(
        _ group: ProcessGroup, deadlineAt: ContinuousClock.Instant, killGrace: Duration,
        clock: ContinuousClock
    ) async -> ExecutorProcessResult.Stop? {
        var stop: ExecutorProcessResult.Stop?
        var killAt: ContinuousClock.Instant?
        var poll: Duration = .milliseconds(1)
        while true {
            if group.leaderHasExited() {
                // A plugin must not leave anything behind: the leader is an
                // unreaped zombie here, so -pgid still names only its group.
                group.send(SIGKILL)
                ProcessGroups.unregister(group.id)
                // On cancellation swift-subprocess may have killed it first.
                if stop == nil, Task.isCancelled { stop = .cancelled }
                return stop
            }
            let now = clock.now
            if stop == nil, Task.isCancelled {
                stop = .cancelled
                group.send(SIGKILL)
            } else if stop == nil, now >= deadlineAt {
                stop = .deadline(escalated: false)
                group.send(SIGTERM)
                // A stopped process cannot act on SIGTERM until it continues.
                group.send(SIGCONT)
                killAt = now + killGrace
            } else if let at = killAt, now >= at {
                stop = .deadline(escalated: true)
                group.send(SIGKILL)
                killAt = nil
            }
            var wait = poll
            if stop == nil { wait = min(wait, deadlineAt - now) }
            if let at = killAt { wait = min(wait, at - now) }
            await sleepIgnoringCancellation(max(wait, .microseconds(200)))
            poll = min(poll * 2, .milliseconds(20))
        }
    }

    /// Sleeps even in a cancelled task (`Task.sleep` would return at once and
    /// turn the supervision loop into a busy loop while the group dies).
    private static func sleepIgnoringCancellation(_ duration: Duration) async {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                continuation.resume()
            }
        }
    }

    /// A clear reason why `executable` could not be started.
    private static func spawnFailureMessage(_ executable: String, _ error: any Error) -> String {
        var st = stat()
        if stat(executable, &st) != 0 {
            return "cannot start \(executable): \(String(cString: strerror(errno)))"
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { return "cannot start \(executable): is a directory" }
        if access(executable, X_OK) != 0 {
            return
                "cannot start \(executable): not executable (mode \(String(st.st_mode & 0o7777, radix: 8)))"
        }
        if let error = error as? SubprocessError, let errno = error.underlyingError {
            return "cannot start \(executable): \(errno.description)"
        }
        return "cannot start \(executable): \(error)"
    }

    /// Writing the request to an executor that exited without reading it must
    /// give EPIPE, not kill this process: ignore SIGPIPE unless someone already
    /// installed a handler. (Executors still start with the default
    /// disposition: swift-subprocess resets all signals in the child.)
    private static let ignoreSIGPIPE: Void = {
        var current = sigaction()
        if sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil {
            signal(SIGPIPE, SIG_IGN)
        }
    }()
}
