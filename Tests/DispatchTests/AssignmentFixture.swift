import PromshardProtocol

/// An assignment of service `node` with one group per collector, for the
/// scheduler tests: `shares` maps collector names to their targets.
func nodeAssignment(_ version: UInt64, _ shares: [String: [String]]) -> AssignmentBody {
    AssignmentBody(
        version: version,
        services: [
            ServiceAssignment(
                service: "node",
                collectors: shares.keys.sorted().map { name in
                    CollectorAssignment(
                        name: name, address: "127.0.0.1", port: 1, targetCount: shares[name]!.count,
                        groups: [TargetGroup(targets: shares[name]!)])
                }, targetCount: 0, replicas: 1, moved: 0, idealMoved: 0)
        ])
}
