import CoreMetrics

/// A swift-metrics backend that records into a ``MetricsStore``, whose
/// snapshots each process publishes on the bus (topic `metrics`).
///
/// Mapping: `Counter`/`FloatingPointCounter` → counter; `Gauge`, `Meter`
/// and non-aggregating `Recorder` → gauge; aggregating `Recorder` →
/// histogram; `Timer` → histogram in seconds. The swift-metrics label is the
/// Prometheus name, the dimensions are its labels.
public struct BusMetricsFactory: MetricsFactory {
    /// Where the values go.
    public let store: MetricsStore

    public init(store: MetricsStore) { self.store = store }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        StoreHandler(store: store, name: label, labels: Self.labels(dimensions), mode: .counter)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        StoreHandler(store: store, name: label, labels: Self.labels(dimensions), mode: .counter)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        StoreHandler(store: store, name: label, labels: Self.labels(dimensions), mode: .gauge)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool)
        -> any RecorderHandler
    {
        StoreHandler(
            store: store, name: label, labels: Self.labels(dimensions), mode: aggregate ? .histogram : .gauge)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        StoreHandler(store: store, name: label, labels: Self.labels(dimensions), mode: .histogram)
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    static func labels(_ dimensions: [(String, String)]) -> [String: String] {
        Dictionary(dimensions, uniquingKeysWith: { _, last in last })
    }
}

/// One handler for every kind of swift-metrics instrument.
final class StoreHandler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
    TimerHandler,
    Sendable
{
    enum Mode: Sendable { case counter, gauge, histogram }

    let store: MetricsStore
    let name: String
    let labels: [String: String]
    let mode: Mode

    init(store: MetricsStore, name: String, labels: [String: String], mode: Mode) {
        self.store = store
        self.name = name
        self.labels = labels
        self.mode = mode
        // A counter or gauge that exists reports 0 before its first change.
        switch mode {
        case .counter: store.add(name, labels: labels, 0)
        case .gauge: store.adjust(name, labels: labels, 0)
        case .histogram: break
        }
    }

    func increment(by amount: Int64) { increment(by: Double(amount)) }

    func increment(by amount: Double) {
        switch mode {
        case .counter: store.add(name, labels: labels, amount)
        case .gauge: store.adjust(name, labels: labels, amount)
        case .histogram: store.observe(name, labels: labels, amount)
        }
    }

    func decrement(by amount: Double) { store.adjust(name, labels: labels, -amount) }

    func reset() { store.reset(name, labels: labels) }

    func set(_ value: Int64) { set(Double(value)) }
    func set(_ value: Double) { store.set(name, labels: labels, value) }

    func record(_ value: Int64) { record(Double(value)) }

    func record(_ value: Double) {
        switch mode {
        case .histogram: store.observe(name, labels: labels, value)
        case .gauge, .counter: store.set(name, labels: labels, value)
        }
    }

    func recordNanoseconds(_ duration: Int64) { store.observe(name, labels: labels, Double(duration) / 1e9) }
}
