/// What kind of Prometheus metric a family is.
public enum MetricKind: String, Codable, Sendable, Equatable {
    case counter, gauge, histogram
}

/// One labelled series of a family. For counters and gauges `value` is the
/// value; for histograms `value` is the sum of the observations, `count`
/// their number and `buckets` the cumulative count per upper bound of
/// ``MetricFamily/bounds`` (without `+Inf`, which is `count`).
public struct MetricSample: Codable, Sendable, Equatable {
    public var labels: [String: String]
    public var value: Double
    public var count: UInt64?
    public var buckets: [UInt64]?

    public init(labels: [String: String] = [:], value: Double, count: UInt64? = nil, buckets: [UInt64]? = nil)
    {
        self.labels = labels
        self.value = value
        self.count = count
        self.buckets = buckets
    }
}

/// All series of one metric name.
public struct MetricFamily: Codable, Sendable, Equatable {
    /// Full Prometheus name, e.g. `promshard_deliveries_total`.
    public var name: String
    public var help: String
    public var kind: MetricKind
    /// Upper bounds of the histogram buckets, ascending (histograms only).
    public var bounds: [Double]?
    public var samples: [MetricSample]

    public init(
        name: String, help: String, kind: MetricKind, bounds: [Double]? = nil, samples: [MetricSample]
    ) {
        self.name = name
        self.help = help
        self.kind = kind
        self.bounds = bounds
        self.samples = samples
    }
}

/// `metrics`: a snapshot of every metric one process recorded since it
/// started (cumulative). Each process publishes it every few seconds when it
/// changed; the router retains the last one per sender and the health child
/// merges them into `/metrics`.
public struct MetricsBody: Codable, Sendable, Equatable {
    public var role: Role
    public var pid: Int32
    /// Unix time in milliseconds when the process started recording.
    public var startedMs: Int64
    public var families: [MetricFamily]

    public init(role: Role, pid: Int32, startedMs: Int64, families: [MetricFamily]) {
        self.role = role
        self.pid = pid
        self.startedMs = startedMs
        self.families = families
    }
}
