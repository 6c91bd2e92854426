/// The fall/rise state machine of one collector's health probes.
///
/// Pure. A collector that has never been probed takes the result of its
/// first probe at once (so a fresh start assigns without waiting `rise`
/// intervals); after that it turns unhealthy only after `fall` consecutive
/// failures and healthy again only after `rise` consecutive successes.
public struct HealthTracker: Sendable, Equatable {
    public private(set) var healthy: Bool = false
    public private(set) var probed = false
    public private(set) var successes = 0
    public private(set) var failures = 0
    public private(set) var lastError: String?

    public init() {}

    /// Records one probe; returns true when `healthy` changed.
    @discardableResult
    public mutating func record(success: Bool, error: String? = nil, fall: Int, rise: Int) -> Bool {
        let before = healthy
        lastError = success ? nil : error
        if success {
            successes += 1
            failures = 0
            if !probed || successes >= rise { healthy = true }
        } else {
            failures += 1
            successes = 0
            if !probed || failures >= fall { healthy = false }
        }
        probed = true
        return healthy != before
    }
}
