import PromshardMetrics
import PromshardProtocol

/// Derives delivery counters from successive `dispatch.result` messages. Pure.
///
/// `dispatch.result` carries the last record per collector after every
/// finished delivery; a record that differs from the previous one for the
/// same collector is a new delivery. A record seen for the first time counts
/// only if it finished after the health child started, so a replay after a
/// restart of the health child does not count old deliveries again.
public struct DeliveryTracker: Sendable {
    /// Deliveries by (service, collector, status).
    public private(set) var counts: [DeliveryKey: Int] = [:]
    /// Duration histogram per service: sum, count and bucket counts.
    public private(set) var durations: [String: MetricSample] = [:]
    /// Executor timeouts per service.
    public private(set) var timeouts: [String: Int] = [:]
    private var last: [String: [String: DeliveryRecord]] = [:]
    private let startedMs: Int64

    /// Identity of a delivery counter.
    public struct DeliveryKey: Hashable, Sendable {
        public var service: String
        public var collector: String
        public var status: DeliveryStatus
        public init(service: String, collector: String, status: DeliveryStatus) {
            self.service = service
            self.collector = collector
            self.status = status
        }
    }

    /// `startedMs`: Unix time in milliseconds when the health child started.
    public init(startedMs: Int64) { self.startedMs = startedMs }

    /// Takes the next `dispatch.result`.
    public mutating func update(_ body: DispatchResultBody) {
        for (service, records) in body.last {
            for (collector, record) in records {
                let previous = last[service]?[collector]
                last[service, default: [:]][collector] = record
                if let previous {
                    if previous == record { continue }
                } else if record.startedMs + record.durationMs < startedMs {
                    continue
                }
                count(record)
            }
        }
    }

    private mutating func count(_ record: DeliveryRecord) {
        counts[
            DeliveryKey(service: record.service, collector: record.collector, status: record.status),
            default: 0] += 1
        if record.status == .timeout { timeouts[record.service, default: 0] += 1 }
        let bounds = MetricsCatalog.deliveryDuration.bounds ?? []
        var sample =
            durations[record.service]
            ?? MetricSample(
                labels: ["service": record.service], value: 0, count: 0,
                buckets: Array(repeating: 0, count: bounds.count))
        let seconds = Double(record.durationMs) / 1000
        sample.value += seconds
        sample.count = (sample.count ?? 0) + 1
        for (i, bound) in bounds.enumerated() where seconds <= bound { sample.buckets?[i] += 1 }
        durations[record.service] = sample
    }
}
