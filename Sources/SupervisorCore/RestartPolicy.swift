/// When to restart a child that exited, and when to give up.
///
/// Backoff starts at `initial` and doubles up to `max`; a child that ran at
/// least `resetAfter` before exiting starts again from `initial`. More than
/// `maxRestarts` restarts within `window` means a restart storm: the
/// supervisor stops everything and exits non-zero so systemd can act.
public struct RestartPolicy: Sendable, Equatable {
    public var initial: Duration
    public var max: Duration
    public var resetAfter: Duration
    public var maxRestarts: Int
    public var window: Duration

    public init(
        initial: Duration = .seconds(1), max: Duration = .seconds(30), resetAfter: Duration = .seconds(30),
        maxRestarts: Int = 5, window: Duration = .seconds(60)
    ) {
        self.initial = initial
        self.max = max
        self.resetAfter = resetAfter
        self.maxRestarts = maxRestarts
        self.window = window
    }

    /// The restart history of one child.
    public struct History: Sendable, Equatable {
        /// Times (on a monotonic clock) of the restarts made so far.
        public var restarts: [Duration] = []
        /// Restarts since the child last ran cleanly for `resetAfter`.
        public var consecutive: Int = 0
        public init() {}
    }

    /// What to do about an exit.
    public enum Verdict: Sendable, Equatable {
        case restart(after: Duration)
        case giveUp(restartsInWindow: Int)
    }

    /// Decides about a child that exited at `now` after running for `ranFor`,
    /// and records the restart in `history` when there is one.
    public func onExit(now: Duration, ranFor: Duration, history: inout History) -> Verdict {
        history.restarts.removeAll { now - $0 > window }
        if history.restarts.count >= maxRestarts {
            return .giveUp(restartsInWindow: history.restarts.count)
        }
        if ranFor >= resetAfter { history.consecutive = 0 }
        var delay = initial
        for _ in 0..<history.consecutive {
            delay = delay * 2
            if delay >= max { break }
        }
        if delay > max { delay = max }
        history.consecutive += 1
        history.restarts.append(now)
        return .restart(after: delay)
    }
}
