import PromshardProtocol

/// How one executor run ended, as recorded by the dispatch child.
public struct ExecutorOutcome: Sendable, Equatable {
    /// `ok`, `failed`, `timeout`, `crashed`, `bad_request`, `bad_output` or `spawn_failed`.
    public var status: DeliveryStatus
    /// The result line's message, or a description of what went wrong
    /// ("killed by signal 9 (SIGKILL)", "no result line on stdout", "exit code 7", …).
    public var message: String
    /// `changed` from the result line, when there was one.
    public var changed: Bool?
    /// Exit code of the executor, if it exited.
    public var exitCode: Int32?
    /// Signal that terminated the executor, if one did.
    public var signal: Int32?
    /// Lines the executor wrote to stdout (the newest ones, within the runner's byte cap).
    public var stdoutLines: [String]
    /// The last ≤ 4 KiB of stderr.
    public var stderrTail: String
    /// From spawn to the end of the process group.
    public var duration: Duration

    public init(
        status: DeliveryStatus, message: String, changed: Bool? = nil, exitCode: Int32? = nil,
        signal: Int32? = nil, stdoutLines: [String] = [], stderrTail: String = "", duration: Duration = .zero
    ) {
        self.status = status
        self.message = message
        self.changed = changed
        self.exitCode = exitCode
        self.signal = signal
        self.stdoutLines = stdoutLines
        self.stderrTail = stderrTail
        self.duration = duration
    }
}
