import Foundation
import Logging
import PromshardConfig

/// Keeps promshard's registrations in the local Consul agent: registers
/// every ``ServiceRegistration`` (again every `every`, so a restarted agent
/// gets them back) and deregisters the ones a new config dropped.
public actor Registrar {
    private let logger = Logger(label: "consul.register")
    private var registered: Set<String> = []
    private var task: Task<Void, Never>?

    public init() {}

    /// Applies a config: starts (or restarts) the registration loop.
    public func apply(_ config: PromshardConfig, instance: String, every: Duration = .seconds(30)) {
        task?.cancel()
        guard let consul = config.consul else { return }
        let client = ConsulClient(consul)
        let wanted = ServiceRegistration.all(for: config, instance: instance)
        task = Task { await self.loop(client: client, wanted: wanted, every: every) }
    }

    /// Stops the loop.
    public func stop() {
        task?.cancel()
        task = nil
    }

    private func loop(client: ConsulClient, wanted: [ServiceRegistration], every: Duration) async {
        let ids = Set(wanted.map(\.ID))
        while !Task.isCancelled {
            for stale in registered.subtracting(ids) {
                do {
                    _ = try await client.request(
                        "PUT", "/v1/agent/service/deregister/\(ConsulClient.escape(stale))")
                    registered.remove(stale)
                } catch {
                    logger.warning("cannot deregister", metadata: ["id": "\(stale)", "error": "\(error)"])
                }
            }
            for r in wanted {
                do {
                    let body = try [UInt8](JSONEncoder().encode(r))
                    _ = try await client.request("PUT", "/v1/agent/service/register", body: body)
                    if registered.insert(r.ID).inserted {
                        logger.info(
                            "registered in consul", metadata: ["id": "\(r.ID)", "check": "\(r.Check.HTTP)"])
                    }
                } catch {
                    logger.warning(
                        "cannot register in consul", metadata: ["id": "\(r.ID)", "error": "\(error)"])
                }
            }
            try? await Task.sleep(for: every)
        }
    }
}
