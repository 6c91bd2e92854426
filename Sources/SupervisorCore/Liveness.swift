/// The liveness check of one child: when to ping it, and when to give up.
///
/// Pure: the supervisor feeds it its monotonic time on every tick and the
/// pongs it receives. One ping is outstanding at a time; a child that has
/// not answered it within `timeout` is stuck. The first ping goes out on the
/// first tick, so a child stuck while starting is caught too.
public struct Liveness: Sendable, Equatable {
    /// How long a ping may go unanswered (`supervisor.child_timeout`).
    public let timeout: Duration
    /// Time between an answer and the next ping.
    public let interval: Duration
    private var nextID: UInt64 = 0
    private var outstanding: (id: UInt64, sentAt: Duration)?
    private var lastSent: Duration?

    /// A ping every `timeout / 3` (at most every 5 s).
    public init(timeout: Duration) {
        self.timeout = timeout
        self.interval = min(timeout / 3, .seconds(5))
    }

    /// What to do on a tick.
    public enum Action: Sendable, Equatable {
        case wait
        /// Send `ping` with this id.
        case ping(UInt64)
        /// No answer for `waited` (≥ `timeout`): kill the child.
        case stuck(waited: Duration)
    }

    /// Decides at `now` (time on the supervisor's monotonic clock).
    public mutating func tick(now: Duration) -> Action {
        if let outstanding {
            let waited = now - outstanding.sentAt
            return waited >= timeout ? .stuck(waited: waited) : .wait
        }
        if let lastSent, now - lastSent < interval { return .wait }
        nextID += 1
        outstanding = (nextID, now)
        lastSent = now
        return .ping(nextID)
    }

    /// Records an answer; a pong for an older or unknown ping changes nothing.
    public mutating func pong(id: UInt64) {
        if outstanding?.id == id { outstanding = nil }
    }

    /// Whether a ping is waiting for its answer.
    public var isWaiting: Bool { outstanding != nil }

    public static func == (a: Liveness, b: Liveness) -> Bool {
        a.timeout == b.timeout && a.nextID == b.nextID && a.outstanding?.id == b.outstanding?.id
            && a.outstanding?.sentAt == b.outstanding?.sentAt && a.lastSent == b.lastSent
    }
}
