import Logging
import PromshardBus
import PromshardConfig
import PromshardProtocol

/// The discovery child: config in, `nodes` and `targets` out.
public enum DiscoveryChild {
    /// Runs until the supervisor goes away or asks to stop.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "discovery")
        let engine = DiscoveryEngine(
            sinks: .init(
                nodes: { bus.publish(.nodes, $0) },
                targets: { bus.publish(.targets, $0) }))
        for await message in bus.start(subscribe: [.config, .shutdown]) {
            switch message.topic {
            case .config:
                do {
                    await engine.apply(try message.body(PromshardConfig.self))
                } catch {
                    logger.error("cannot decode config", metadata: ["error": "\(error)"])
                }
            case .shutdown:
                await engine.stop()
                return
            default:
                break
            }
        }
    }
}
