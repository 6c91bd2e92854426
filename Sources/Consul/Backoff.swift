/// Exponential backoff after failures: `initial` doubling up to `max`,
/// back to `initial` after a success. Pure.
public struct Backoff: Sendable, Equatable {
    public let initial: Duration
    public let max: Duration
    public private(set) var failures = 0

    public init(initial: Duration = .seconds(1), max: Duration = .seconds(30)) {
        self.initial = initial
        self.max = max
    }

    /// Records a failure and returns how long to wait before retrying.
    public mutating func failed() -> Duration {
        var delay = initial
        for _ in 0..<min(failures, 32) where delay < max { delay = delay * 2 }
        failures += 1
        return Swift.min(delay, max)
    }

    /// Records a success.
    public mutating func succeeded() { failures = 0 }
}
