/// The bus topics. State topics are retained by the supervisor and replayed
/// to a child that (re)connects; event topics are only forwarded.
public enum Topic: String, Sendable, Codable, CaseIterable {
    /// A child announces itself and what it subscribes to (child → supervisor).
    case hello
    /// Collectors per service with their health (discovery → hashing, health).
    case nodes
    /// Target groups per service (discovery → hashing).
    case targets
    /// Distinct targets per service and failed sources (discovery → health).
    case targetCounts = "targets.counts"
    /// Targets per collector per service (hashing → dispatch).
    case assignment
    /// The assignment without its target groups: counts, version, movement (hashing → health).
    case assignmentSummary = "assignment.summary"
    /// Last delivery result per collector (dispatch → health).
    case dispatchResult = "dispatch.result"
    /// Where every collector's rendered http_sd document is, with its digest (dispatch → health).
    case sdRendered = "sd.rendered"
    /// Summary of the whole daemon (health → supervisor, which logs it).
    case status
    /// The validated configuration (supervisor → all children).
    case config
    /// Children of the supervisor: pids, restarts (supervisor → health).
    case children
    /// Ask a child to stop cleanly (supervisor → child).
    case shutdown
    /// Who holds the Consul leader lock (discovery → dispatch, health).
    case leader
    /// A process's metric snapshot (every process → health; retained per sender).
    case metrics
    /// A SIGHUP found the config valid (supervisor → discovery): confirms held target removals.
    case reload
    /// The text of `consul.config_key` as read from Consul (discovery → supervisor, never
    /// routed): the supervisor validates it and applies it like SIGHUP.
    case configRemote = "config.remote"
    /// The Pushgateways of `push:` with their health (discovery → push, health).
    case pushGateways = "push.gateways"
    /// The jobs queued or running in the job store, with this instance's units (jobs → health).
    case jobsRunning = "jobs.running"
    /// Liveness probe (supervisor → one child, never routed).
    case ping
    /// Answer to a ``ping`` with its `id` (child → supervisor, never routed).
    case pong

    /// Whether the router keeps the last message of this topic for replay.
    public var isRetained: Bool {
        switch self {
        case .nodes, .targets, .targetCounts, .assignment, .assignmentSummary, .dispatchResult, .sdRendered,
            .status, .config, .children, .leader, .metrics, .pushGateways, .jobsRunning:
            true
        case .hello, .shutdown, .reload, .configRemote, .ping, .pong: false
        }
    }
}

/// The roles of the processes on the bus.
public enum Role: String, Sendable, Codable, CaseIterable {
    case supervisor, discovery, hashing, dispatch, health, push, jobs

    /// The children the supervisor may spawn, in data-flow order (`push` only with `push:`,
    /// `jobs` only with `jobs:`).
    public static let children: [Role] = [.discovery, .hashing, .dispatch, .health, .push, .jobs]
}
