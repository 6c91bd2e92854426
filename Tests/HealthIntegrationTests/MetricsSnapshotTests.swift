import CoreMetrics
import PromshardMetrics
import PromshardProtocol
import Testing

/// The metrics mechanism without processes: a swift-metrics backend that
/// snapshots, the merge of snapshots across processes and restarts, and the
/// text format.
struct MetricsSnapshotTests {
    @Test func theFactoryRecordsCountersGaugesAndHistograms() throws {
        let store = MetricsStore()
        let factory = BusMetricsFactory(store: store)
        let counter = factory.makeCounter(label: "promshard_things_total", dimensions: [("kind", "a")])
        counter.increment(by: 2)
        counter.increment(by: 3)
        factory.makeMeter(label: "promshard_level", dimensions: []).set(7.5)
        let timer = factory.makeTimer(label: MetricsCatalog.assignmentDuration.name, dimensions: [])
        timer.recordNanoseconds(2_000_000)  // 2 ms
        timer.recordNanoseconds(300_000_000)  // 300 ms
        let families = store.snapshot()
        #expect(
            families.map(\.name) == [
                "promshard_assignment_duration_seconds", "promshard_level", "promshard_things_total",
            ])
        let things = try #require(families.first { $0.name == "promshard_things_total" })
        #expect(things.kind == .counter)
        #expect(things.samples == [MetricSample(labels: ["kind": "a"], value: 5)])
        #expect(families.first { $0.name == "promshard_level" }?.samples.first?.value == 7.5)
        let histogram = try #require(families.first { $0.kind == .histogram })
        let bounds = try #require(histogram.bounds)
        #expect(bounds == MetricsCatalog.computeBuckets)
        let sample = try #require(histogram.samples.first)
        #expect(sample.count == 2)
        #expect(abs(sample.value - 0.302) < 1e-9)
        // Cumulative buckets: 2 ms is ≤ 0.005, 300 ms ≤ 0.5.
        #expect(sample.buckets?[bounds.firstIndex(of: 0.005)!] == 1)
        #expect(sample.buckets?[bounds.firstIndex(of: 0.5)!] == 2)
        #expect(sample.buckets?[bounds.firstIndex(of: 0.001)!] == 0)
    }

    @Test func changesAreCountedSoUnchangedSnapshotsAreNotRepublished() {
        let store = MetricsStore()
        let before = store.changes
        store.add("promshard_x_total", 1)
        #expect(store.changes != before)
        let after = store.changes
        _ = store.snapshot()
        #expect(store.changes == after)
    }

    static func counter(_ value: Double, labels: [String: String] = [:]) -> MetricFamily {
        MetricFamily(
            name: "promshard_deliveries_total", help: "d", kind: .counter,
            samples: [MetricSample(labels: labels, value: value)])
    }

    @Test func snapshotsOfSeveralProcessesMerge() {
        var aggregator = MetricsAggregator()
        aggregator.update(
            MetricsBody(
                role: .hashing, pid: 10, startedMs: 1,
                families: [
                    MetricFamily(
                        name: "promshard_a_total", help: "a", kind: .counter,
                        samples: [MetricSample(value: 3)])
                ]))
        aggregator.update(
            MetricsBody(
                role: .supervisor, pid: 1, startedMs: 1,
                families: [
                    MetricFamily(
                        name: "promshard_b", help: "b", kind: .gauge,
                        samples: [MetricSample(labels: ["x": "1"], value: 2)])
                ]))
        let merged = aggregator.families()
        #expect(merged.map(\.name) == ["promshard_a_total", "promshard_b"])
        #expect(merged[0].samples.first?.value == 3)
        #expect(merged[1].samples.first?.labels == ["x": "1"])
        #expect(aggregator.roles == [.supervisor, .hashing])
    }

    @Test func countersCarryOverARestartOfTheProcess() {
        var aggregator = MetricsAggregator()
        aggregator.update(MetricsBody(role: .dispatch, pid: 10, startedMs: 100, families: [Self.counter(4)]))
        aggregator.update(MetricsBody(role: .dispatch, pid: 10, startedMs: 100, families: [Self.counter(6)]))
        #expect(aggregator.families().first?.samples.first?.value == 6)
        // Restarted: a new pid starts from zero; the total keeps going up.
        aggregator.update(MetricsBody(role: .dispatch, pid: 11, startedMs: 200, families: []))
        #expect(aggregator.families().first?.samples.first?.value == 6)
        aggregator.update(MetricsBody(role: .dispatch, pid: 11, startedMs: 200, families: [Self.counter(1)]))
        #expect(aggregator.families().first?.samples.first?.value == 7)
        aggregator.update(MetricsBody(role: .dispatch, pid: 12, startedMs: 300, families: [Self.counter(2)]))
        #expect(aggregator.families().first?.samples.first?.value == 9)
    }

    @Test func histogramsCarryOverToo() {
        func histogram(_ count: UInt64, _ sum: Double, _ buckets: [UInt64]) -> MetricFamily {
            MetricFamily(
                name: "promshard_h_seconds", help: "h", kind: .histogram, bounds: [0.1, 1],
                samples: [MetricSample(value: sum, count: count, buckets: buckets)])
        }
        var aggregator = MetricsAggregator()
        aggregator.update(
            MetricsBody(role: .hashing, pid: 1, startedMs: 1, families: [histogram(2, 0.5, [1, 2])]))
        aggregator.update(
            MetricsBody(role: .hashing, pid: 2, startedMs: 2, families: [histogram(1, 2, [0, 0])]))
        let sample = aggregator.families().first?.samples.first
        #expect(sample?.count == 3)
        #expect(sample?.value == 2.5)
        #expect(sample?.buckets == [1, 2])
    }

    @Test func theTextFormat() {
        let families = [
            MetricFamily(
                name: "promshard_deliveries_total", help: "Deliveries\nby status.", kind: .counter,
                samples: [
                    MetricSample(labels: ["status": "ok", "collector": "127.0.0.1:9090"], value: 3),
                    MetricSample(labels: ["status": "fail\"ed\\"], value: 0.5),
                ]),
            MetricFamily(
                name: "promshard_d_seconds", help: "d", kind: .histogram, bounds: [0.1, 1],
                samples: [MetricSample(labels: ["service": "node"], value: 1.25, count: 3, buckets: [1, 2])]),
            MetricFamily(name: "promshard_up", help: "u", kind: .gauge, samples: [MetricSample(value: 1)]),
        ]
        let expected = """
            # HELP promshard_deliveries_total Deliveries\\nby status.
            # TYPE promshard_deliveries_total counter
            promshard_deliveries_total{collector="127.0.0.1:9090",status="ok"} 3
            promshard_deliveries_total{status="fail\\"ed\\\\"} 0.5
            # HELP promshard_d_seconds d
            # TYPE promshard_d_seconds histogram
            promshard_d_seconds_bucket{service="node",le="0.1"} 1
            promshard_d_seconds_bucket{service="node",le="1"} 2
            promshard_d_seconds_bucket{service="node",le="+Inf"} 3
            promshard_d_seconds_sum{service="node"} 1.25
            promshard_d_seconds_count{service="node"} 3
            # HELP promshard_up u
            # TYPE promshard_up gauge
            promshard_up 1

            """
        #expect(PrometheusText.render(families) == expected)
        #expect(PrometheusText.number(.nan) == "NaN")
        #expect(PrometheusText.number(-.infinity) == "-Inf")
    }

    @Test func snapshotsSurviveTheBusEncoding() throws {
        let store = MetricsStore()
        store.add("promshard_x_total", labels: ["a": "b"], 2)
        store.observe(MetricsCatalog.assignmentDuration.name, 0.01)
        let body = MetricsBody(role: .hashing, pid: 4, startedMs: 5, families: store.snapshot())
        let line = try BusCodec.encode(Envelope(type: .metrics, from: .hashing, seq: 1, body: body))
        #expect(try BusCodec.decode(MetricsBody.self, from: Array(line.dropLast())).body == body)
    }
}
