import PromshardConfig
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime

/// Everything the health child knows, and what it answers from it. Pure:
/// the bus loop feeds it, the HTTP endpoints and the heartbeat read it.
public struct HealthModel: Sendable {
    public var builder = StatusBuilder()
    public var metrics = MetricsAggregator()
    public var deliveries: DeliveryTracker
    /// The `leader` topic, if the discovery child publishes one.
    public var leader: LeaderBody?
    /// The Pushgateways with their health, when `push:` is configured.
    public var gateways: GatewaysBody?
    /// The jobs queued or running, from the jobs child (`jobs.running`), when `jobs:` is configured.
    public var jobsRunning: JobsRunningBody?
    /// The http_sd documents served on `/api/v1/sd/...` and `/jobs/...`.
    public var sd = SDCache()
    /// The last Zabbix send, for the status document.
    public var zabbix: ZabbixState?
    private(set) var wasReady = false
    private var assignmentsSeen = 0
    private var moved: [String: Int] = [:]
    private var idealMoved: [String: Int] = [:]
    /// Unix time in milliseconds when this health child started.
    public let startedMs: Int64

    public init(startedMs: Int64) {
        self.startedMs = startedMs
        self.deliveries = DeliveryTracker(startedMs: startedMs)
    }

    /// The outcome of the last Zabbix send.
    public struct ZabbixState: Sendable, Equatable, Codable {
        public var result: String
        public var server: String?
        public var message: String
        public var atMs: Int64
        public var value: String
        public init(result: String, server: String?, message: String, atMs: Int64, value: String) {
            self.result = result
            self.server = server
            self.message = message
            self.atMs = atMs
            self.value = value
        }
    }

    /// Takes one message from the bus; returns false for topics it ignores.
    public mutating func take(_ message: Message) throws(EnvelopeError) -> Bool {
        switch message.topic {
        case .config: builder.config = try message.body(PromshardConfig.self)
        case .children: builder.children = try message.body(ChildrenBody.self)
        case .nodes: builder.nodes = try message.body(NodesBody.self)
        case .targetCounts: builder.targetCounts = try message.body(TargetCountsBody.self)
        case .assignmentSummary: take(assignment: try message.body(AssignmentBody.self))
        case .dispatchResult:
            let body = try message.body(DispatchResultBody.self)
            builder.dispatch = body
            deliveries.update(body)
        case .leader: leader = try message.body(LeaderBody.self)
        case .pushGateways: gateways = try message.body(GatewaysBody.self)
        case .jobsRunning: jobsRunning = try message.body(JobsRunningBody.self)
        case .metrics: metrics.update(try message.body(MetricsBody.self))
        default: return false
        }
        if deliveredCurrent { wasReady = true }
        return true
    }

    /// Counts movement once per new assignment version.
    public mutating func take(assignment: AssignmentBody) {
        if let old = builder.assignment, old.version == assignment.version {
            builder.assignment = assignment
            return
        }
        let isReplay = builder.assignment == nil && assignmentsSeen == 0 && assignment.version > 1
        builder.assignment = assignment
        assignmentsSeen += 1
        if isReplay { return }  // a replay after a restart of the health child: already counted before
        for s in assignment.services {
            moved[s.service, default: 0] += s.moved
            idealMoved[s.service, default: 0] += s.idealMoved
        }
    }

    /// The status summary.
    public func status() -> StatusBody {
        var s = builder.build()
        if s.leader == nil { s.leader = leader }
        return s
    }

    /// The answer to a pull-mode request (http_sd, Target Allocator).
    public func sdReply(_ route: SDRoute, ifNoneMatch: String?) -> SDResponder.Reply {
        SDResponder.reply(
            route, ifNoneMatch: ifNoneMatch, cache: sd, services: builder.config?.services.map(\.name) ?? [])
    }

    /// `/-/healthy`: the supervisor (it answers, so it runs) and every child run.
    public func liveness() -> (ok: Bool, reasons: [String]) {
        guard let kids = builder.children?.children, !kids.isEmpty else {
            return (false, ["no word from the supervisor yet"])
        }
        let reasons = kids.filter { !$0.running }.map { "child \($0.role.rawValue) is not running" }
        return (reasons.isEmpty, reasons)
    }

    /// Whether the current assignment has been delivered to every healthy collector.
    public var deliveredCurrent: Bool {
        guard let version = builder.assignment?.version, let delivered = builder.dispatch?.deliveredVersion
        else {
            return false
        }
        return delivered >= version
    }

    /// `/-/ready`: once the first assignment was delivered (then stays ready).
    public func readiness() -> (ok: Bool, reason: String?) {
        if wasReady || deliveredCurrent { return (true, nil) }
        if builder.assignment == nil { return (false, "no assignment yet") }
        return (
            false,
            "assignment \(builder.assignment!.version) not delivered yet (delivered: \(builder.dispatch?.deliveredVersion.map(String.init) ?? "none"))"
        )
    }

    /// `jobs.running` while `jobs:` is configured (a body retained from before
    /// the section was removed is not shown).
    public var activeJobs: JobsRunningBody? {
        builder.config?.jobs == nil ? nil : jobsRunning
    }

    /// Every metric derived from the bus plus the snapshots of the processes.
    public func metricFamilies(nowMs: Int64) -> [MetricFamily] {
        DerivedMetrics.families(model: self, nowMs: nowMs) + metrics.families()
    }

    var movedTotals: (moved: [String: Int], ideal: [String: Int], seen: Int) {
        (moved, idealMoved, assignmentsSeen)
    }
}
