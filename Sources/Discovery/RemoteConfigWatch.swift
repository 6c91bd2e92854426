import Logging
import PromshardConfig
import PromshardConsul
import PromshardProtocol

/// Watches `consul.config_key` and hands each new value to the supervisor
/// on `config.remote`. The text is not validated here: the supervisor does
/// that and applies it like SIGHUP.
///
/// A missing key or an unreachable Consul publishes nothing (the running
/// config is kept) and is logged once when it starts and once when it
/// ends, never on every retry.
actor RemoteConfigWatch {
    private let logger = Logger(label: "discovery")
    private let publish: @Sendable (RemoteConfigBody) -> Void
    private var settings: ConsulSettings?
    private var task: Task<Void, Never>?
    private var generation = 0
    private var lastText: String?
    private var state: KeyState?

    /// What the key was last seen as, for logging transitions only.
    private enum KeyState: Equatable { case value, missing, failing }

    init(publish: @escaping @Sendable (RemoteConfigBody) -> Void) {
        self.publish = publish
    }

    /// Follows a config: starts, restarts or stops the watch.
    func apply(_ config: PromshardConfig) {
        let wanted = config.consul?.configKey != nil ? config.consul : nil
        if Self.sameWatch(wanted, settings) && (task != nil || wanted == nil) { return }
        stop()
        settings = wanted
        guard let wanted, let key = wanted.configKey else { return }
        generation += 1
        let mine = generation
        let watch = KeyWatch(client: ConsulClient(wanted), key: key, wait: wanted.wait)
        logger.info("watching the config key", metadata: ["key": "\(key)"])
        task = Task { await watch.run { update in await self.handle(update, key: key, generation: mine) } }
    }

    /// Stops the watch (a waiting query is aborted).
    func stop() {
        task?.cancel()
        task = nil
        settings = nil
        lastText = nil
        state = nil
    }

    private func handle(_ update: KeyWatch.Update, key: String, generation: Int) {
        guard generation == self.generation, task != nil else { return }
        let meta: Logger.Metadata = ["key": "\(key)"]
        switch update {
        case .value(let bytes, _):
            if state == .failing { logger.info("config key readable again", metadata: meta) }
            state = .value
            let text = String(decoding: bytes, as: UTF8.self)
            guard text != lastText else { return }
            lastText = text
            logger.info(
                "config key changed, handing it to the supervisor",
                metadata: meta.merging(["bytes": "\(bytes.count)"]) { a, _ in a })
            publish(RemoteConfigBody(key: key, text: text))
        case .missing:
            if state != .missing {
                logger.warning("config key not found in consul, keeping the running config", metadata: meta)
            }
            state = .missing
            lastText = nil
        case .failed(let error):
            if state != .failing {
                logger.warning(
                    "cannot read the config key, keeping the running config (retrying)",
                    metadata: meta.merging(["error": "\(error)"]) { a, _ in a })
            } else {
                logger.debug("config key still unreadable", metadata: ["error": "\(error)"])
            }
            state = .failing
        }
    }

    /// Whether two settings read the same key the same way.
    static func sameWatch(_ a: ConsulSettings?, _ b: ConsulSettings?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.address == b.address && a.token == b.token && a.caFile == b.caFile && a.wait == b.wait
            && a.configKey == b.configKey
    }
}
