/// The metrics promshard records, with their help text and histogram
/// buckets: one place that names them all (every name starts with
/// `promshard_`).
public enum MetricsCatalog {
    /// One metric's description.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var help: String
        /// Upper bounds for histograms (seconds for durations).
        public var bounds: [Double]?
        public init(name: String, help: String, bounds: [Double]? = nil) {
            self.name = name
            self.help = help
            self.bounds = bounds
        }
    }

    /// Buckets for durations of I/O work such as deliveries (seconds).
    public static let deliveryBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]
    /// Buckets for in-memory computations such as an assignment (seconds).
    public static let computeBuckets: [Double] = [
        0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
    ]
    /// Buckets used for a histogram the catalog does not know.
    public static let defaultBuckets: [Double] = deliveryBuckets

    // MARK: Recorded by the processes themselves (swift-metrics)

    /// Hashing: assignments computed (`result`: published | unchanged).
    public static let assignmentComputations = Entry(
        name: "promshard_assignment_computations_total", help: "Assignments computed by the hashing child.")
    /// Hashing: time to compute one assignment.
    public static let assignmentDuration = Entry(
        name: "promshard_assignment_duration_seconds", help: "Time to compute one assignment.",
        bounds: computeBuckets)
    /// Discovery: collector health probes by service and result (ok | failed).
    public static let probes = Entry(
        name: "promshard_collector_probes_total", help: "Collector health probes by service and result.")
    /// Discovery: targets whose removal is held back by `targets.max_drop`, by service.
    public static let targetsDropHeld = Entry(
        name: "promshard_targets_drop_held",
        help: "Targets whose removal is held back by targets.max_drop, by service (0 when none).")
    /// Discovery: mass removals by service and outcome (held | expired | confirmed | withdrawn).
    public static let targetDrops = Entry(
        name: "promshard_target_drops_total",
        help:
            "Mass removals of targets held by targets.max_drop, and how holds ended, by service and outcome.")
    /// Dispatch: drains (`[]`) to a collector known to be down that failed and wait for it.
    public static let deliveriesDeferred = Entry(
        name: "promshard_deliveries_deferred_total",
        help:
            "Deliveries of [] to a collector known to be down that failed and are retried when it is back, by service."
    )
    /// Supervisor: config reloads by result (applied | unchanged | invalid).
    public static let configReloads = Entry(
        name: "promshard_config_reloads_total",
        help: "Config reloads (SIGHUP or a new value of consul.config_key) by result.")
    /// Supervisor: 1 when the last config load (start, SIGHUP, `consul.config_key`) was valid, else 0.
    public static let configLastReloadSuccessful = Entry(
        name: "promshard_config_last_reload_successful",
        help:
            "1 when the last config load (start, SIGHUP or a new value of consul.config_key) was valid, else 0."
    )
    /// Supervisor: when the config was last loaded successfully (Unix seconds).
    public static let configLastReloadSuccessTimestamp = Entry(
        name: "promshard_config_last_reload_success_timestamp_seconds",
        help: "Time of the last successful config load, in seconds since the Unix epoch.")
    /// Health: Zabbix sends by result (ok | rejected | unreachable | error).
    public static let zabbixSends = Entry(
        name: "promshard_zabbix_sends_total", help: "Zabbix sender requests by result.")

    // MARK: Derived by the health child from the bus

    public static let buildInfo = Entry(
        name: "promshard_build_info", help: "Build information; the value is 1.")
    public static let healthy = Entry(
        name: "promshard_healthy", help: "1 when promshard is healthy (the Zabbix heartbeat value), else 0.")
    public static let ready = Entry(
        name: "promshard_ready", help: "1 once the first assignment was delivered to every healthy collector."
    )
    public static let childUp = Entry(
        name: "promshard_child_up", help: "1 while the child process of a role runs.")
    public static let childRestarts = Entry(
        name: "promshard_child_restarts_total", help: "Restarts of the child process of a role.")
    public static let collectorsHealthy = Entry(
        name: "promshard_collectors_healthy", help: "Healthy collectors by service.")
    public static let collectorsTotal = Entry(
        name: "promshard_collectors", help: "Configured collectors by service.")
    public static let targets = Entry(name: "promshard_targets", help: "Distinct targets by service.")
    public static let collectorTargets = Entry(
        name: "promshard_collector_targets",
        help: "Targets assigned to a collector in the current assignment.")
    public static let assignmentVersion = Entry(
        name: "promshard_assignment_version", help: "Version of the current assignment.")
    public static let assignmentsSeen = Entry(
        name: "promshard_assignments_total", help: "Assignment versions published (seen by the health child)."
    )
    public static let targetsMoved = Entry(
        name: "promshard_assignment_moved_targets_total", help: "Targets whose collector changed, by service."
    )
    public static let targetsIdealMoved = Entry(
        name: "promshard_assignment_ideal_moved_targets_total",
        help: "The least movement any scheme could have made, by service.")
    public static let deliveries = Entry(
        name: "promshard_deliveries_total", help: "Finished deliveries by service, collector and status.")
    public static let deliveryDuration = Entry(
        name: "promshard_delivery_duration_seconds",
        help: "Duration of one delivery (executor run) by service.",
        bounds: deliveryBuckets)
    public static let executorTimeouts = Entry(
        name: "promshard_executor_timeouts_total", help: "Executor runs killed at their deadline, by service."
    )
    public static let lastDeliverySuccess = Entry(
        name: "promshard_collector_last_delivery_ok",
        help: "1 when the last delivery to a collector succeeded, else 0.")

    /// Every known entry.
    public static let all: [Entry] =
        [
            assignmentComputations, assignmentDuration, probes, targetsDropHeld, targetDrops,
            deliveriesDeferred,
            configReloads, configLastReloadSuccessful, configLastReloadSuccessTimestamp, zabbixSends,
            buildInfo,
            healthy,
            ready,
            childUp, childRestarts, collectorsHealthy, collectorsTotal, targets, collectorTargets,
            assignmentVersion,
            assignmentsSeen, targetsMoved, targetsIdealMoved, deliveries, deliveryDuration, executorTimeouts,
            lastDeliverySuccess, pushRequests, pushDuration, pushUnavailable, pushGatewaysHealthy,
            pushReconciled,
        ] + jobsEntries

    private static let byName: [String: Entry] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The entry of `name`, or a generic one.
    public static func entry(_ name: String) -> Entry {
        byName[name] ?? Entry(name: name, help: name, bounds: nil)
    }
}
