/// Bodies of the bus topics. Every body is plain data, shared by the
/// children that produce and consume it.

/// `hello`: a child announces its role, pid and subscriptions.
public struct HelloBody: Codable, Sendable, Equatable {
    public var role: Role
    public var pid: Int32
    public var subscribe: [Topic]
    public init(role: Role, pid: Int32, subscribe: [Topic]) {
        self.role = role
        self.pid = pid
        self.subscribe = subscribe
    }
}

/// One Prometheus collector as discovery sees it.
public struct CollectorState: Codable, Sendable, Hashable {
    /// Unique within the service: `address:port`.
    public var name: String
    public var address: String
    public var port: Int
    public var healthy: Bool
    public var weight: Double
    public var zone: String?
    /// Last probe error, if the last probe failed.
    public var lastError: String?

    public init(
        name: String, address: String, port: Int, healthy: Bool, weight: Double = 1, zone: String? = nil,
        lastError: String? = nil
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.healthy = healthy
        self.weight = weight
        self.zone = zone
        self.lastError = lastError
    }
}

/// `nodes`: collectors of every service.
public struct NodesBody: Codable, Sendable, Equatable {
    public var services: [String: [CollectorState]]
    /// Collector sources that failed (e.g. Consul unreachable); their last known collectors are kept.
    public var errors: [SourceError]
    public init(services: [String: [CollectorState]], errors: [SourceError] = []) {
        self.services = services
        self.errors = errors
    }
}

/// A file_sd target group: targets sharing one label set.
public struct TargetGroup: Codable, Sendable, Hashable {
    public var targets: [String]
    public var labels: [String: String]
    public init(targets: [String], labels: [String: String] = [:]) {
        self.targets = targets
        self.labels = labels
    }
}

/// A source of targets that could not be read; its last good content is kept.
public struct SourceError: Codable, Sendable, Hashable {
    public var service: String
    public var source: String
    public var message: String
    public init(service: String, source: String, message: String) {
        self.service = service
        self.source = source
        self.message = message
    }
}

/// `targets`: target groups of every service, plus sources that failed.
public struct TargetsBody: Codable, Sendable, Equatable {
    public var services: [String: [TargetGroup]]
    public var errors: [SourceError]
    /// Removals held back by `targets.max_drop` (their targets are still in `services`); nil when none.
    public var held: [HeldDrop]?
    public init(services: [String: [TargetGroup]], errors: [SourceError] = [], held: [HeldDrop]? = nil) {
        self.services = services
        self.errors = errors
        self.held = held
    }
}

/// The share of one collector in an assignment.
public struct CollectorAssignment: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var port: Int
    public var targetCount: Int
    public var groups: [TargetGroup]
    public init(name: String, address: String, port: Int, targetCount: Int, groups: [TargetGroup]) {
        self.name = name
        self.address = address
        self.port = port
        self.targetCount = targetCount
        self.groups = groups
    }
}

/// The assignment of one service.
public struct ServiceAssignment: Codable, Sendable, Equatable {
    public var service: String
    public var collectors: [CollectorAssignment]
    public var targetCount: Int
    public var replicas: Int
    /// Targets whose owner set changed against the previous assignment.
    public var moved: Int
    /// The least movement any scheme could have made for this change.
    public var idealMoved: Int
    /// Set when the previous assignment was kept (e.g. no healthy collector).
    public var keptPrevious: String?
    public var warnings: [String]
    public init(
        service: String, collectors: [CollectorAssignment], targetCount: Int, replicas: Int, moved: Int,
        idealMoved: Int, keptPrevious: String? = nil, warnings: [String] = []
    ) {
        self.service = service
        self.collectors = collectors
        self.targetCount = targetCount
        self.replicas = replicas
        self.moved = moved
        self.idealMoved = idealMoved
        self.keptPrevious = keptPrevious
        self.warnings = warnings
    }
}

/// `assignment`: the whole assignment, versioned.
public struct AssignmentBody: Codable, Sendable, Equatable {
    public var version: UInt64
    public var services: [ServiceAssignment]
    public init(version: UInt64, services: [ServiceAssignment]) {
        self.version = version
        self.services = services
    }
}

/// How one delivery ended.
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case ok, failed, timeout, crashed
    case badRequest = "bad_request"
    case badOutput = "bad_output"
    /// The executor could not be started at all.
    case spawnFailed = "spawn_failed"
}

/// The last delivery to one collector.
public struct DeliveryRecord: Codable, Sendable, Equatable {
    public var service: String
    public var collector: String
    public var status: DeliveryStatus
    public var message: String
    public var sha256: String
    public var assignmentVersion: UInt64
    public var attempt: Int
    /// Unix time in milliseconds.
    public var startedMs: Int64
    public var durationMs: Int64
    public var targetCount: Int
    public var stderrTail: String?
    public init(
        service: String, collector: String, status: DeliveryStatus, message: String, sha256: String,
        assignmentVersion: UInt64, attempt: Int, startedMs: Int64, durationMs: Int64, targetCount: Int,
        stderrTail: String? = nil
    ) {
        self.service = service
        self.collector = collector
        self.status = status
        self.message = message
        self.sha256 = sha256
        self.assignmentVersion = assignmentVersion
        self.attempt = attempt
        self.startedMs = startedMs
        self.durationMs = durationMs
        self.targetCount = targetCount
        self.stderrTail = stderrTail
    }
}

/// `dispatch.result`: last delivery per collector, keyed by service then
/// collector name, plus the assignment version fully delivered (if any).
public struct DispatchResultBody: Codable, Sendable, Equatable {
    public var last: [String: [String: DeliveryRecord]]
    public var deliveredVersion: UInt64?
    public init(last: [String: [String: DeliveryRecord]], deliveredVersion: UInt64?) {
        self.last = last
        self.deliveredVersion = deliveredVersion
    }
}

/// One child process as the supervisor sees it.
public struct ChildInfo: Codable, Sendable, Equatable {
    public var role: Role
    public var pid: Int32?
    public var running: Bool
    public var restarts: Int
    /// Unix time in milliseconds of the current start.
    public var startedMs: Int64?
    public init(role: Role, pid: Int32?, running: Bool, restarts: Int, startedMs: Int64?) {
        self.role = role
        self.pid = pid
        self.running = running
        self.restarts = restarts
        self.startedMs = startedMs
    }
}

/// `children`: what the supervisor knows about its children.
public struct ChildrenBody: Codable, Sendable, Equatable {
    public var children: [ChildInfo]
    public init(children: [ChildInfo]) { self.children = children }
}

/// Per-service line of the status summary.
public struct ServiceStatus: Codable, Sendable, Equatable {
    public var service: String
    public var collectorsHealthy: Int
    public var collectorsTotal: Int
    public var targets: Int
    public var deliveriesOK: Int
    public var deliveriesFailed: Int
    public var sourceErrors: [String]
    public init(
        service: String, collectorsHealthy: Int, collectorsTotal: Int, targets: Int, deliveriesOK: Int,
        deliveriesFailed: Int, sourceErrors: [String]
    ) {
        self.service = service
        self.collectorsHealthy = collectorsHealthy
        self.collectorsTotal = collectorsTotal
        self.targets = targets
        self.deliveriesOK = deliveriesOK
        self.deliveriesFailed = deliveriesFailed
        self.sourceErrors = sourceErrors
    }
}

/// `status`: the summary the health child publishes and the supervisor logs.
public struct StatusBody: Codable, Sendable, Equatable {
    public var healthy: Bool
    public var reasons: [String]
    public var childrenUp: Int
    public var childrenTotal: Int
    public var assignmentVersion: UInt64?
    public var deliveredVersion: UInt64?
    public var services: [ServiceStatus]
    /// The Consul leader lock as this instance sees it (nil before the first `leader` message).
    public var leader: LeaderBody?
    public init(
        healthy: Bool, reasons: [String], childrenUp: Int, childrenTotal: Int, assignmentVersion: UInt64?,
        deliveredVersion: UInt64?, services: [ServiceStatus], leader: LeaderBody? = nil
    ) {
        self.leader = leader
        self.healthy = healthy
        self.reasons = reasons
        self.childrenUp = childrenUp
        self.childrenTotal = childrenTotal
        self.assignmentVersion = assignmentVersion
        self.deliveredVersion = deliveredVersion
        self.services = services
    }
}

/// `shutdown`: stop cleanly.
public struct ShutdownBody: Codable, Sendable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
