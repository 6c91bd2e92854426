import PromshardConfig
import PromshardProtocol

/// The Pushgateways of `push:` are discovered as the collectors of one
/// pseudo-service, so that they are found (static, Consul) and probed
/// (`health_check`, `fall`/`rise`) by exactly the code that handles
/// collectors. The pseudo-service never appears in `nodes` or `targets`;
/// its nodes are published on `push.gateways`.
enum GatewayService {
    /// Its name; `@` cannot start a service name, so no user service collides.
    static let name = "@push"

    /// The pseudo-service of a `push:` section.
    static func service(_ push: PushSettings) -> ServiceConfig {
        ServiceConfig(
            name: name, collectors: push.gateways, targets: TargetsConfig(),
            dispatch: DispatchSettings(executor: "none", dest: ""))
    }
}

extension PromshardConfig {
    /// The services whose collectors discovery finds and probes: the
    /// configured ones, plus the gateways of `push:` when set.
    var probedServices: [ServiceConfig] {
        services + (push.map { [GatewayService.service($0)] } ?? [])
    }
}
