import Foundation
import Logging
import Metrics
import Prometheus
import PromshardConfig
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime
import ServiceLifecycle

/// The health child: listens to everything, publishes a `status` summary
/// when it changes, serves the HTTP endpoints (`/`, `/-/healthy`, `/-/ready`,
/// `/metrics`, `/api/v1/status`, http_sd on `/api/v1/sd/...` and `/jobs`)
/// and sends the Zabbix heartbeat. The jobs API (Sources/JobsHTTP) is mounted
/// on the same server; the running jobs come from `jobs.running`.
///
/// Its own metrics go through swift-metrics into a swift-prometheus
/// registry; the other processes' arrive as `metrics` snapshots on the bus.
public enum HealthChild {
    /// Runs until graceful shutdown (SIGTERM) or EOF from the supervisor.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "health")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let store = HealthStore(startedMs: Int64(Date().timeIntervalSince1970 * 1000))
        let http = HealthHTTPServer(store: store, registry: registry)
        var httpTask: Task<Void, Never>?
        var listening: String?
        let heartbeat = Task { await ZabbixHeartbeat(store: store).run(logger: logger) }
        defer {
            heartbeat.cancel()
            httpTask?.cancel()
        }

        var last: StatusBody?
        let topics: [Topic] = [
            .config, .children, .nodes, .targetCounts, .assignmentSummary, .dispatchResult, .leader, .metrics,
            .sdRendered, .pushGateways, .jobsRunning,
        ]
        for await message in bus.start(subscribe: topics).cancelOnGracefulShutdown() {
            if message.topic == .sdRendered {
                await SDLoader.take(message, into: store, logger: logger)
                continue
            }
            do {
                guard try store.update({ try $0.take(message) }) else { continue }
            } catch {
                logger.error(
                    "cannot decode message",
                    metadata: ["topic": "\(message.topic.rawValue)", "error": "\(error)"])
                continue
            }
            if message.topic == .config, let listen = store.read({ $0.builder.config?.http.listen }),
                listen != listening
            {
                httpTask?.cancel()
                listening = listen
                httpTask = Task { await http.run(listen: listen, logger: logger) }
            }
            // The supervisor's view comes first.
            guard store.read({ $0.builder.children != nil }) else { continue }
            let status = store.read { $0.status() }
            if status != last {
                last = status
                bus.publish(.status, status)
            }
        }
    }
}
