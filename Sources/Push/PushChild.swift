import Logging
import PromshardConfig
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime
import ServiceLifecycle

/// The push child: the Pushgateway router of `push:`.
///
/// `config` and `push.gateways` in (from the supervisor and discovery);
/// it serves `push.listen` and keeps groups on their owners (``Reconciler``).
/// Its metrics go out on `metrics` like every child's.
public enum PushChild {
    /// Runs until graceful shutdown (SIGTERM) or EOF from the supervisor.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "push")
        let rings = RingHolder()
        var settings: PushSettings?
        var serving: Task<Void, Never>?
        defer { serving?.cancel() }
        for await message in bus.start(subscribe: [.config, .pushGateways]).cancelOnGracefulShutdown() {
            switch message.topic {
            case .config:
                guard let config = try? message.body(PromshardConfig.self) else {
                    logger.error("cannot decode config")
                    continue
                }
                guard config.push != settings else { continue }
                settings = config.push
                serving?.cancel()
                serving = nil
                guard let push = config.push else {
                    logger.info("push: removed from the config, not routing")
                    continue
                }
                serving = Task {
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            await PushHTTPServer(settings: push, rings: rings).run(logger: logger)
                        }
                        group.addTask {
                            await Reconciler(
                                rings: rings, timeout: push.timeout, interval: push.reconcileInterval
                            )
                            .run()
                        }
                    }
                }
            case .pushGateways:
                guard let body = try? message.body(GatewaysBody.self) else {
                    logger.error("cannot decode push.gateways")
                    continue
                }
                let ring = GatewayRing(body)
                rings.set(ring)
                Instruments.pushGatewaysHealthy(ring.healthy.count)
                logger.info(
                    "gateways", metadata: ["healthy": "\(ring.healthy.keys.sorted().joined(separator: ","))"])
            default:
                break
            }
        }
    }
}
