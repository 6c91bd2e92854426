import Foundation
import Logging
import PromshardConfig
import PromshardMetrics
import PromshardRuntime
import PromshardZabbix

/// Sends the heartbeat every `interval` while the health child runs. The
/// socket I/O runs on a thread of its own (`runBlocking`) with connect and
/// read timeouts, so a dead server never blocks the child; a failed send is
/// retried at the next interval.
public struct ZabbixHeartbeat: Sendable {
    public let store: HealthStore

    public init(store: HealthStore) { self.store = store }

    /// Runs until cancelled; reads the current settings from the config each time.
    public func run(logger: Logger) async {
        var lastOutcome: String?
        while !Task.isCancelled {
            let (settings, status) = store.read { ($0.builder.config?.zabbix, $0.status()) }
            guard let settings, store.read({ $0.builder.children != nil }) else {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            let now = Date().timeIntervalSince1970
            let seconds = Int64(now)
            let request = Heartbeat.request(
                status: status, settings: settings, seconds: seconds,
                nanoseconds: Int64((now - Double(seconds)) * 1e9))
            let sender = ZabbixSender(servers: settings.servers, timeout: settings.timeout)
            let result = await runBlocking { sender.send(request) }
            let outcome = Heartbeat.outcome(result, settings: settings)
            Instruments.zabbixSend(result: outcome.label)
            let value = String(Heartbeat.value(status))
            var server: String?
            var message: String
            switch outcome {
            case .ok(let s):
                server = s
                message = "processed"
                let level: Logger.Level = lastOutcome == "ok" ? .debug : .info
                logger.log(
                    level: level, "zabbix heartbeat sent",
                    metadata: ["server": "\(s)", "key": "\(settings.key)", "value": "\(value)"])
            case .rejected(let s, let response, let hint):
                server = s
                message = "\(response.failed) of \(response.total) values failed: \(response.info)"
                logger.error(
                    "zabbix configuration problem: the server refused values",
                    metadata: [
                        "server": "\(s)", "host": "\(settings.host)", "key": "\(settings.key)",
                        "processed": "\(response.processed)", "failed": "\(response.failed)",
                        "total": "\(response.total)", "info": "\(response.info)", "hint": "\(hint)",
                    ])
            case .unreachable(let why):
                message = why
                logger.warning(
                    "zabbix heartbeat not sent, retrying next interval",
                    metadata: ["error": "\(why)", "interval": "\(settings.interval)"])
            case .error(let why):
                message = why
                logger.warning("zabbix heartbeat: bad answer", metadata: ["error": "\(why)"])
            }
            lastOutcome = outcome.label
            let state = HealthModel.ZabbixState(
                result: outcome.label, server: server, message: message, atMs: Int64(now * 1000), value: value
            )
            store.update { $0.zabbix = state }
            try? await Task.sleep(for: settings.interval)
        }
    }
}
