import PromshardConfig
import PromshardProtocol

/// Summarises what the bus carries into one ``StatusBody``. Pure.
///
/// Healthy means: every child runs, every service has at least one healthy
/// collector, and no service has collectors whose last delivery failed
/// while none succeeded.
public struct StatusBuilder: Sendable {
    public var config: PromshardConfig?
    public var children: ChildrenBody?
    public var nodes: NodesBody?
    /// Distinct targets per service (`targets.counts`).
    public var targetCounts: TargetCountsBody?
    public var assignment: AssignmentBody?
    public var dispatch: DispatchResultBody?
    /// The Consul leader lock as this instance sees it (`leader` topic).
    public var leader: LeaderBody?

    public init() {}

    public func build() -> StatusBody {
        var reasons: [String] = []
        let kids = children?.children ?? []
        let up = kids.filter(\.running).count
        for child in kids where !child.running {
            reasons.append("child \(child.role.rawValue) is not running")
        }
        if kids.isEmpty { reasons.append("no word from the supervisor yet") }
        // Until discovery has probed every collector once, nobody can say the fleet is healthy.
        if nodes == nil && !(config?.services.isEmpty ?? true) {
            reasons.append("waiting for the first discovery round")
        }

        var services: [ServiceStatus] = []
        for service in config?.services ?? [] {
            let collectors = nodes?.services[service.name] ?? []
            let healthy = collectors.filter(\.healthy).count
            let records = dispatch?.last[service.name].map { Array($0.values) } ?? []
            let ok = records.filter { $0.status == .ok }.count
            let failed = records.count - ok
            let errors = ((nodes?.errors ?? []) + (targetCounts?.errors ?? [])).filter {
                $0.service == service.name
            }.map {
                "\($0.source): \($0.message)"
            }
            if nodes != nil && healthy == 0 {
                reasons.append("service \(service.name): no healthy collector")
            }
            if failed > 0 && ok == 0 { reasons.append("service \(service.name): no successful delivery") }
            reasons += (targetCounts?.held ?? []).filter { $0.service == service.name }.map(\.reason)
            services.append(
                ServiceStatus(
                    service: service.name, collectorsHealthy: healthy, collectorsTotal: collectors.count,
                    targets: targetCounts?.services[service.name] ?? 0, deliveriesOK: ok,
                    deliveriesFailed: failed, sourceErrors: errors))
        }
        return StatusBody(
            healthy: reasons.isEmpty, reasons: reasons, childrenUp: up, childrenTotal: kids.count,
            assignmentVersion: assignment?.version, deliveredVersion: dispatch?.deliveredVersion,
            services: services, leader: leader)
    }
}
