import PromshardProtocol
import Synchronization

/// The values one process recorded, kept cumulatively so a snapshot is
/// always complete (the health child may restart and needs the totals).
///
/// Thread-safe: handlers of ``BusMetricsFactory`` write into it from any
/// thread; ``snapshot()`` reads it.
public final class MetricsStore: Sendable {
    /// Identity of one series: metric name + sorted label pairs.
    struct Key: Hashable, Sendable {
        var name: String
        var labels: [String: String]
    }

    struct Series: Sendable {
        var kind: MetricKind
        var value: Double = 0
        var count: UInt64 = 0
        var buckets: [UInt64] = []
        var bounds: [Double] = []
    }

    private struct State: Sendable {
        var series: [Key: Series] = [:]
        var changes: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds `amount` to a counter.
    public func add(_ name: String, labels: [String: String] = [:], _ amount: Double) {
        update(name, labels, .counter) { $0.value += amount }
    }

    /// Sets a gauge.
    public func set(_ name: String, labels: [String: String] = [:], _ value: Double) {
        update(name, labels, .gauge) { $0.value = value }
    }

    /// Adds `delta` to a gauge.
    public func adjust(_ name: String, labels: [String: String] = [:], _ delta: Double) {
        update(name, labels, .gauge) { $0.value += delta }
    }

    /// Records one observation in a histogram (buckets from ``MetricsCatalog``).
    public func observe(_ name: String, labels: [String: String] = [:], _ value: Double) {
        update(name, labels, .histogram) { series in
            if series.bounds.isEmpty {
                series.bounds = MetricsCatalog.entry(name).bounds ?? MetricsCatalog.defaultBuckets
                series.buckets = Array(repeating: 0, count: series.bounds.count)
            }
            series.value += value
            series.count += 1
            for (i, bound) in series.bounds.enumerated() where value <= bound { series.buckets[i] += 1 }
        }
    }

    /// Resets a counter to zero (swift-metrics `reset()`).
    public func reset(_ name: String, labels: [String: String] = [:]) {
        update(name, labels, .counter) { $0.value = 0 }
    }

    /// A number that changes whenever a value changes (to publish only on change).
    public var changes: UInt64 { state.withLock { $0.changes } }

    /// Every family, sorted by name, samples sorted by labels.
    public func snapshot() -> [MetricFamily] {
        let series = state.withLock { $0.series }
        var families: [String: MetricFamily] = [:]
        for (key, s) in series {
            let entry = MetricsCatalog.entry(key.name)
            var family =
                families[key.name]
                ?? MetricFamily(
                    name: key.name, help: entry.help, kind: s.kind,
                    bounds: s.kind == .histogram ? s.bounds : nil,
                    samples: [])
            if s.kind == .histogram {
                family.samples.append(
                    MetricSample(labels: key.labels, value: s.value, count: s.count, buckets: s.buckets))
            } else {
                family.samples.append(MetricSample(labels: key.labels, value: s.value))
            }
            families[key.name] = family
        }
        return families.values.sorted { $0.name < $1.name }.map { family in
            var f = family
            f.samples.sort { LabelOrder.less($0.labels, $1.labels) }
            return f
        }
    }

    private func update(
        _ name: String, _ labels: [String: String], _ kind: MetricKind, _ body: (inout Series) -> Void
    ) {
        state.withLock { state in
            let key = Key(name: name, labels: labels)
            var series = state.series[key] ?? Series(kind: kind)
            body(&series)
            state.series[key] = series
            state.changes &+= 1
        }
    }
}

/// A total order on label sets, for stable output.
enum LabelOrder {
    static func less(_ a: [String: String], _ b: [String: String]) -> Bool {
        let ka = a.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let kb = b.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ka.lexicographicallyPrecedes(kb)
    }
}
