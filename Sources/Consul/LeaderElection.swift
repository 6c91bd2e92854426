/// The session/lock state machine of one instance competing for the leader
/// lock. Pure: times are offsets on a monotonic clock, the caller performs
/// the Consul calls that ``next(at:)`` asks for and feeds back the results.
///
/// Rules:
/// * No session → create one (TTL, LockDelay, behaviour `release`).
/// * Renew the session every TTL/2. A renewal answered 404 means Consul
///   invalidated it: leadership is lost at once.
/// * The lock key is watched with blocking reads; when it has no holder,
///   try `acquire`. A refused acquire (another holder won the race, or the
///   lock-delay after an invalidation is running) is retried after
///   ``acquireRetry``.
/// * A leader that cannot confirm its session (renewal failing: Consul
///   unreachable) steps down once TTL has passed since the last confirmed
///   renewal: Consul may have invalidated the session by then (Consul
///   invalidates no earlier than the TTL), and lock-delay keeps the others
///   from taking the lock for that long again.
public struct LeaderElection: Sendable, Equatable {
    /// What the caller does next.
    public enum Step: Sendable, Equatable {
        case createSession
        case renewSession
        case acquire
        /// A blocking read of the lock key, waiting at most this long.
        case watch(wait: Duration)
    }

    public let ttl: Duration
    public let acquireRetry: Duration
    /// The session this instance uses.
    public private(set) var session: String?
    /// Whether this instance holds the lock.
    public private(set) var isLeader = false
    /// Session of the current holder as last read (nil = free or unknown).
    public private(set) var holderSession: String?
    /// Whether the key has been read since the session was set up.
    public private(set) var keyRead = false
    private var lastRenew: Duration?
    private var acquireNotBefore: Duration = .zero

    public init(ttl: Duration, acquireRetry: Duration = .seconds(1)) {
        self.ttl = ttl
        self.acquireRetry = acquireRetry
    }

    /// When a renewal is due.
    public var renewAt: Duration? { lastRenew.map { $0 + ttl / 2 } }
    /// While leader: when leadership must be given up without a confirmed renewal.
    public var stepDownAt: Duration? { isLeader ? lastRenew.map { $0 + ttl } : nil }

    /// What to do now.
    public func next(at now: Duration) -> Step {
        guard session != nil else { return .createSession }
        guard let renewAt, now < renewAt else { return .renewSession }
        if keyRead, holderSession == nil, !isLeader, now >= acquireNotBefore { return .acquire }
        var until = renewAt
        if keyRead, holderSession == nil, !isLeader { until = min(until, acquireNotBefore) }
        return .watch(wait: max(until - now, .milliseconds(100)))
    }

    /// A session was created (confirmed alive now).
    public mutating func sessionCreated(_ id: String, at now: Duration) {
        session = id
        lastRenew = now
        isLeader = false
        keyRead = false
        acquireNotBefore = .zero
    }

    /// A session from an earlier run is reused: it must be renewed first.
    public mutating func adopt(_ id: String) {
        session = id
        lastRenew = nil
        isLeader = false
        keyRead = false
    }

    /// The session was renewed.
    public mutating func renewed(at now: Duration) { lastRenew = now }

    /// Consul says the session no longer exists (renew 404): leadership is lost.
    public mutating func sessionInvalid() {
        session = nil
        lastRenew = nil
        isLeader = false
        keyRead = false
        holderSession = nil
    }

    /// The lock key was read: its holder's session (nil = free).
    public mutating func observed(holder: String?, at now: Duration) {
        keyRead = true
        holderSession = holder
        isLeader = holder != nil && holder == session
    }

    /// The answer to an acquire.
    public mutating func acquired(_ ok: Bool, at now: Duration) {
        if ok {
            isLeader = true
            holderSession = session
        } else {
            isLeader = false
            acquireNotBefore = now + acquireRetry
        }
    }

    /// A call to Consul failed (no answer or an error status).
    public mutating func failed(at now: Duration) {
        if isLeader, let stepDownAt, now >= stepDownAt { isLeader = false }
    }

    /// Leadership given up on purpose (lock released, session destroyed).
    public mutating func resigned() {
        sessionInvalid()
    }
}
