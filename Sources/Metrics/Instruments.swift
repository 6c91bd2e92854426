import CoreMetrics

/// One-line instrumentation calls for the roles, so their code does not
/// need to know metric names or swift-metrics. Each records through the
/// process's bootstrapped swift-metrics backend.
public enum Instruments {
    /// Hashing: one assignment computed in `took`; `published` when it changed the placement.
    public static func assignmentComputed(took: Duration, published: Bool) {
        Counter(
            label: MetricsCatalog.assignmentComputations.name,
            dimensions: [("result", published ? "published" : "unchanged")]
        ).increment()
        Recorder(label: MetricsCatalog.assignmentDuration.name, aggregate: true).record(seconds(took))
    }

    /// Discovery: one health probe of `collector` (`address:port`).
    public static func probe(collector: String, ok: Bool) {
        Counter(
            label: MetricsCatalog.probes.name,
            dimensions: [("collector", collector), ("result", ok ? "ok" : "failed")]
        ).increment()
    }

    /// Discovery: targets of `service` whose removal is held back by `targets.max_drop` (0 when none).
    public static func targetsDropHeld(service: String, targets: Int) {
        Gauge(label: MetricsCatalog.targetsDropHeld.name, dimensions: [("service", service)]).record(targets)
    }

    /// Discovery: a mass removal of targets was `held`, or ended `expired`, `confirmed` or `withdrawn`.
    public static func targetDrop(service: String, outcome: String) {
        Counter(
            label: MetricsCatalog.targetDrops.name, dimensions: [("service", service), ("outcome", outcome)]
        ).increment()
    }

    /// Dispatch: `[]` to a collector known to be down failed and waits for it (not a failed delivery).
    public static func deliveryDeferred(service: String) {
        Counter(label: MetricsCatalog.deliveriesDeferred.name, dimensions: [("service", service)]).increment()
    }

    /// Supervisor: a config reload with its result (`applied`, `unchanged`, `invalid`).
    public static func configReload(result: String) {
        Counter(label: MetricsCatalog.configReloads.name, dimensions: [("result", result)]).increment()
    }

    /// Supervisor: the result of a config load (start, SIGHUP, `consul.config_key`); a
    /// successful one also records its time (`now`, Unix seconds).
    public static func configLoaded(successful: Bool, now: Double) {
        Gauge(label: MetricsCatalog.configLastReloadSuccessful.name).record(successful ? 1 : 0)
        if successful { Gauge(label: MetricsCatalog.configLastReloadSuccessTimestamp.name).record(now) }
    }

    /// Health: one Zabbix send with its result (`ok`, `rejected`, `unreachable`, `error`).
    public static func zabbixSend(result: String) {
        Counter(label: MetricsCatalog.zabbixSends.name, dimensions: [("result", result)]).increment()
    }

    /// A duration in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
