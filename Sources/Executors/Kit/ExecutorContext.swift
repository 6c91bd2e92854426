import PromshardProtocol

/// What an executor's `run` handler knows besides the request: its deadline.
public struct ExecutorContext: Sendable {
    /// When the caller will start killing this executor (`deadline_ms` after start).
    public let deadline: ContinuousClock.Instant

    public init(deadline: ContinuousClock.Instant) {
        self.deadline = deadline
    }

    /// Creates the context for a request received now.
    public init(request: ExecutorRequest, now: ContinuousClock.Instant = .now) {
        self.deadline = now + .milliseconds(max(0, request.deadlineMs))
    }

    /// Time left before the deadline (zero when it has passed).
    public var remaining: Duration {
        let left = deadline - .now
        return left > .zero ? left : .zero
    }

    /// Writes a progress line to stdout.
    public func progress(_ message: String) {
        ExecutorOutput.progress(message)
    }
}
