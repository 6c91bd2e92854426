import PromshardProtocol

/// The JSON of `GET /api/v1/status`.
public struct StatusDocument: Codable, Sendable, Equatable {
    public var version: String
    public var healthy: Bool
    public var ready: Bool
    public var reasons: [String]
    public var assignmentVersion: UInt64?
    public var deliveredVersion: UInt64?
    public var children: [Child]
    public var services: [Service]
    /// The Consul leader lock as this instance sees it; null without the `leader` topic.
    public var leader: LeaderBody?
    /// The last Zabbix heartbeat; null when Zabbix is not configured or nothing was sent yet.
    public var zabbix: HealthModel.ZabbixState?
    /// The jobs queued or running (`jobs.running`); absent without `jobs:` or before the jobs child reported.
    public var jobs: JobsRunningBody?

    public init(
        version: String, healthy: Bool, ready: Bool, reasons: [String], assignmentVersion: UInt64?,
        deliveredVersion: UInt64?, children: [Child], services: [Service], leader: LeaderBody?,
        zabbix: HealthModel.ZabbixState?, jobs: JobsRunningBody? = nil
    ) {
        self.version = version
        self.healthy = healthy
        self.ready = ready
        self.reasons = reasons
        self.assignmentVersion = assignmentVersion
        self.deliveredVersion = deliveredVersion
        self.children = children
        self.services = services
        self.leader = leader
        self.zabbix = zabbix
        self.jobs = jobs
    }

    /// One child process.
    public struct Child: Codable, Sendable, Equatable {
        public var role: String
        public var pid: Int32?
        public var running: Bool
        public var restarts: Int
        public var uptimeSeconds: Double?
        public init(role: String, pid: Int32?, running: Bool, restarts: Int, uptimeSeconds: Double?) {
            self.role = role
            self.pid = pid
            self.running = running
            self.restarts = restarts
            self.uptimeSeconds = uptimeSeconds
        }
    }

    /// One service.
    public struct Service: Codable, Sendable, Equatable {
        public var name: String
        public var collectorsHealthy: Int
        public var collectorsTotal: Int
        public var targets: Int
        public var sourceErrors: [String]
        public var collectors: [Collector]
        public init(
            name: String, collectorsHealthy: Int, collectorsTotal: Int, targets: Int, sourceErrors: [String],
            collectors: [Collector]
        ) {
            self.name = name
            self.collectorsHealthy = collectorsHealthy
            self.collectorsTotal = collectorsTotal
            self.targets = targets
            self.sourceErrors = sourceErrors
            self.collectors = collectors
        }
    }

    /// One collector of a service.
    public struct Collector: Codable, Sendable, Equatable {
        public var name: String
        public var healthy: Bool
        public var lastError: String?
        /// Targets assigned in the current assignment.
        public var targets: Int
        public var lastDelivery: DeliveryRecord?
        public init(
            name: String, healthy: Bool, lastError: String?, targets: Int, lastDelivery: DeliveryRecord?
        ) {
            self.name = name
            self.healthy = healthy
            self.lastError = lastError
            self.targets = targets
            self.lastDelivery = lastDelivery
        }
    }

    /// Builds the document. Pure.
    public static func make(model: HealthModel, nowMs: Int64) -> StatusDocument {
        let status = model.status()
        let builder = model.builder
        let children = (builder.children?.children ?? []).map { c in
            Child(
                role: c.role.rawValue, pid: c.pid, running: c.running, restarts: c.restarts,
                uptimeSeconds: c.running ? c.startedMs.map { Double(max(0, nowMs - $0)) / 1000 } : nil)
        }
        let services = status.services.map { s -> Service in
            let nodes = builder.nodes?.services[s.service] ?? []
            let assigned = builder.assignment?.services.first { $0.service == s.service }?.collectors ?? []
            let records = builder.dispatch?.last[s.service] ?? [:]
            var names = nodes.map(\.name)
            for a in assigned where !names.contains(a.name) { names.append(a.name) }
            let collectors = names.map { name in
                let node = nodes.first { $0.name == name }
                return Collector(
                    name: name, healthy: node?.healthy ?? false, lastError: node?.lastError,
                    targets: assigned.first { $0.name == name }?.targetCount ?? 0, lastDelivery: records[name]
                )
            }
            return Service(
                name: s.service, collectorsHealthy: s.collectorsHealthy, collectorsTotal: s.collectorsTotal,
                targets: s.targets, sourceErrors: s.sourceErrors, collectors: collectors)
        }
        return StatusDocument(
            version: promshardVersion, healthy: status.healthy, ready: model.readiness().ok,
            reasons: status.reasons,
            assignmentVersion: status.assignmentVersion, deliveredVersion: status.deliveredVersion,
            children: children, services: services, leader: status.leader ?? model.leader,
            zabbix: model.zabbix, jobs: model.activeJobs)
    }
}
