import PromshardProtocol

/// Merges the snapshots of every process into one list of families. Pure.
///
/// Each process publishes cumulative values since it started. When a
/// process restarts (a new pid or start time) its counters and histograms
/// start again from zero; the aggregator adds what the previous run had
/// reached, so the merged counters never go backwards while the health child
/// runs. Gauges are taken as they are.
public struct MetricsAggregator: Sendable {
    struct SeriesKey: Hashable, Sendable {
        var name: String
        var labels: [String: String]
    }

    struct Carried: Sendable, Equatable {
        var value: Double
        var count: UInt64
        var buckets: [UInt64]
        var bounds: [Double]
    }

    private var latest: [Role: MetricsBody] = [:]
    private var carried: [Role: [SeriesKey: Carried]] = [:]

    public init() {}

    /// Takes a process's latest snapshot.
    public mutating func update(_ body: MetricsBody) {
        if let previous = latest[body.role], previous.pid != body.pid || previous.startedMs != body.startedMs
        {
            var carry = carried[body.role] ?? [:]
            for family in previous.families where family.kind != .gauge {
                for sample in family.samples {
                    let key = SeriesKey(name: family.name, labels: sample.labels)
                    let old = carry[key]
                    let bounds = family.bounds ?? []
                    let buckets = sample.buckets ?? []
                    if var c = old, c.bounds == bounds, c.buckets.count == buckets.count {
                        c.value += sample.value
                        c.count += sample.count ?? 0
                        c.buckets = zip(c.buckets, buckets).map { $0 + $1 }
                        carry[key] = c
                    } else {
                        carry[key] = Carried(
                            value: sample.value, count: sample.count ?? 0, buckets: buckets, bounds: bounds)
                    }
                }
            }
            carried[body.role] = carry
        }
        latest[body.role] = body
    }

    /// Roles that reported at least once.
    public var roles: [Role] { Role.allCases.filter { latest[$0] != nil } }

    /// The merged families, sorted by name; samples of the same name and
    /// labels from several processes are added (gauges: the last wins).
    public func families() -> [MetricFamily] {
        var merged: [String: MetricFamily] = [:]
        var index: [SeriesKey: Int] = [:]
        for role in Role.allCases {
            var families = latest[role]?.families ?? []
            // Series a previous run had and the current one has not recorded yet.
            for (key, c) in carried[role] ?? [:] {
                let present = families.contains { f in
                    f.name == key.name && f.samples.contains { $0.labels == key.labels }
                }
                if present { continue }
                let kind: MetricKind = c.bounds.isEmpty ? .counter : .histogram
                let sample = MetricSample(
                    labels: key.labels, value: 0, count: kind == .histogram ? 0 : nil,
                    buckets: kind == .histogram ? Array(repeating: 0, count: c.bounds.count) : nil)
                if let i = families.firstIndex(where: { $0.name == key.name }) {
                    families[i].samples.append(sample)
                } else {
                    let entry = MetricsCatalog.entry(key.name)
                    families.append(
                        MetricFamily(
                            name: key.name, help: entry.help, kind: kind,
                            bounds: kind == .histogram ? c.bounds : nil, samples: [sample]))
                }
            }
            for family in families {
                var target =
                    merged[family.name]
                    ?? MetricFamily(
                        name: family.name, help: family.help, kind: family.kind, bounds: family.bounds,
                        samples: [])
                guard target.kind == family.kind, target.bounds == family.bounds else { continue }
                for var sample in family.samples {
                    let key = SeriesKey(name: family.name, labels: sample.labels)
                    if let c = carried[role]?[key], family.kind != .gauge {
                        sample.value += c.value
                        if let count = sample.count { sample.count = count + c.count }
                        if let b = sample.buckets, b.count == c.buckets.count {
                            sample.buckets = zip(b, c.buckets).map { $0 + $1 }
                        }
                    }
                    if let i = index[key] {
                        var existing = target.samples[i]
                        switch family.kind {
                        case .gauge: existing.value = sample.value
                        case .counter: existing.value += sample.value
                        case .histogram:
                            existing.value += sample.value
                            existing.count = (existing.count ?? 0) + (sample.count ?? 0)
                            if let a = existing.buckets, let b = sample.buckets, a.count == b.count {
                                existing.buckets = zip(a, b).map { $0 + $1 }
                            }
                        }
                        target.samples[i] = existing
                    } else {
                        index[key] = target.samples.count
                        target.samples.append(sample)
                    }
                }
                merged[family.name] = target
            }
        }
        return merged.values.sorted { $0.name < $1.name }.map { family in
            var f = family
            f.samples.sort { LabelOrder.less($0.labels, $1.labels) }
            return f
        }
    }
}
