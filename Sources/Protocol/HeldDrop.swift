/// A removal of targets that discovery holds back because it is larger than
/// the service's `targets.max_drop` (a target file deleted or emptied by
/// mistake, a Consul service that suddenly answers nothing). The removed
/// targets stay in `targets` until the change has persisted for
/// `targets.drop_hold` or a SIGHUP confirms it.
public struct HeldDrop: Codable, Sendable, Hashable {
    public var service: String
    /// Distinct targets of the service before the change.
    public var previous: Int
    /// Distinct targets the change removes (kept while held).
    public var removed: Int
    /// `targets.max_drop` as a fraction (0.5 for `50%`).
    public var maxDrop: Double
    /// Unix time in milliseconds when the hold started.
    public var sinceMs: Int64
    /// Unix time in milliseconds when the removal is applied unless the
    /// targets come back first.
    public var untilMs: Int64

    public init(service: String, previous: Int, removed: Int, maxDrop: Double, sinceMs: Int64, untilMs: Int64)
    {
        self.service = service
        self.previous = previous
        self.removed = removed
        self.maxDrop = maxDrop
        self.sinceMs = sinceMs
        self.untilMs = untilMs
    }

    /// The removed share in whole percent, rounded down (`removed / previous`).
    public var removedPercent: Int { previous > 0 ? removed * 100 / previous : 0 }

    /// One line for people (status reasons, logs).
    public var reason: String {
        let limit = Int((maxDrop * 100).rounded())
        return "service \(service): holding the removal of \(removed) of \(previous) targets "
            + "(\(removedPercent)% > targets.max_drop \(limit)%) for up to "
            + "\(Duration.milliseconds(max(0, untilMs - sinceMs)).shortDescription); send SIGHUP to confirm it now"
    }
}

/// `reload`: the supervisor re-read its config on SIGHUP and found it valid
/// (changed or not; a changed one was published on `config` just before).
/// The operator's SIGHUP confirms held target removals.
public struct ReloadBody: Codable, Sendable, Equatable {
    /// Whether the config changed (and `config` was published).
    public var changed: Bool
    public init(changed: Bool) { self.changed = changed }
}
