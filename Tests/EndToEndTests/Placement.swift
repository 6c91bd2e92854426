import PromshardTestSupport

/// Where each target is active: target → the ports of the live servers
/// that scrape it (from their `/api/v1/targets`).
func placement(_ live: [PrometheusServer], job: String) -> [String: [Int]] {
    var owners: [String: [Int]] = [:]
    for s in live {
        for t in (try? s.activeTargets(job: job)) ?? [] { owners[t, default: []].append(s.port) }
    }
    return owners
}

/// Every one of `targets`, and nothing else, is active on exactly one server.
func exactlyOnce(_ owners: [String: [Int]], targets: [String]) -> Bool {
    Set(owners.keys) == Set(targets) && owners.values.allSatisfy { $0.count == 1 }
}
