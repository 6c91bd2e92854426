import CoreMetrics

extension MetricsCatalog {
    /// Push: requests answered by the router, by gateway, method and HTTP code.
    public static let pushRequests = Entry(
        name: "promshard_push_requests_total",
        help: "Pushes (PUT, POST, DELETE) through the router by gateway, method and code.")
    /// Push: time from receiving a push to passing the gateway's answer back, by gateway.
    public static let pushDuration = Entry(
        name: "promshard_push_duration_seconds",
        help: "Time to forward one push to its gateway and get the answer, by gateway.",
        bounds: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10])
    /// Push: pushes refused because no gateway was healthy.
    public static let pushUnavailable = Entry(
        name: "promshard_push_unavailable_total",
        help: "Pushes answered 503 because no Pushgateway was healthy.")
    /// Push: healthy gateways as the router sees them.
    public static let pushGatewaysHealthy = Entry(
        name: "promshard_push_gateways_healthy", help: "Healthy Pushgateways as the push router sees them.")
    /// Push: groups moved or deleted when their owner changed, by action and result.
    public static let pushReconciled = Entry(
        name: "promshard_push_reconciled_groups_total",
        help: "Groups found on a gateway that does not own them, by action (moved | deleted) and result.")
}

extension Instruments {
    /// Push: one push forwarded (or redirected) to `gateway`, answered `code` after `took`.
    public static func push(gateway: String, method: String, code: Int, took: Duration) {
        Counter(
            label: MetricsCatalog.pushRequests.name,
            dimensions: [("gateway", gateway), ("method", method), ("code", String(code))]
        ).increment()
        Recorder(label: MetricsCatalog.pushDuration.name, dimensions: [("gateway", gateway)], aggregate: true)
            .record(seconds(took))
    }

    /// Push: one push refused with 503 (no healthy gateway).
    public static func pushUnavailable() {
        Counter(label: MetricsCatalog.pushUnavailable.name).increment()
    }

    /// Push: the number of healthy gateways.
    public static func pushGatewaysHealthy(_ count: Int) {
        Gauge(label: MetricsCatalog.pushGatewaysHealthy.name).record(count)
    }

    /// Push: a misplaced group `moved` or `deleted`, `ok` or `failed`.
    public static func pushReconciled(action: String, ok: Bool) {
        Counter(
            label: MetricsCatalog.pushReconciled.name,
            dimensions: [("action", action), ("result", ok ? "ok" : "failed")]
        ).increment()
    }
}
