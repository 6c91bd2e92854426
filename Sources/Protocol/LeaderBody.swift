/// `leader`: the state of the Consul leader lock as this instance sees it
/// (discovery → dispatch, health; retained).
///
/// With leader election off, `enabled` is false and every instance
/// dispatches. With it on, dispatch runs deliveries only while `isLeader`.
public struct LeaderBody: Codable, Sendable, Equatable {
    /// Whether leader election is configured (`consul.leader_election`).
    public var enabled: Bool
    /// Whether this instance holds the lock.
    public var isLeader: Bool
    /// The instance name of the holder, when known.
    public var holder: String?
    /// This instance's Consul session ID, if it has one.
    public var session: String?
    /// The KV key of the lock.
    public var key: String?
    /// The last error talking to Consul (never contains the token).
    public var error: String?

    public init(
        enabled: Bool, isLeader: Bool, holder: String? = nil, session: String? = nil, key: String? = nil,
        error: String? = nil
    ) {
        self.enabled = enabled
        self.isLeader = isLeader
        self.holder = holder
        self.session = session
        self.key = key
        self.error = error
    }

    /// Leader election off: this instance dispatches on its own.
    public static let disabled = LeaderBody(enabled: false, isLeader: true)

    /// Whether dispatch may run deliveries.
    public var mayDispatch: Bool { !enabled || isLeader }
}
