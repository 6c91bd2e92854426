import PromshardConfig

/// The body of `PUT /v1/agent/service/register`, with one HTTP check.
public struct ServiceRegistration: Codable, Sendable, Equatable {
    /// The `Check` of a registration.
    public struct HTTPCheck: Codable, Sendable, Equatable {
        public var HTTP: String
        public var Interval: String
        public var Timeout: String
        public var DeregisterCriticalServiceAfter: String?
    }

    public var ID: String
    public var Name: String
    public var Address: String
    public var Port: Int
    public var Tags: [String]
    public var Check: HTTPCheck

    /// Registrations for a config (pure): every static collector of every
    /// service when `register_collectors` (ID `<service>_<address>_<port>`,
    /// name = `collectors.consul_service` or the service name, HTTP check on
    /// `health_check.path`), and promshard itself when `register_self`
    /// (check on `http://<http.listen>/-/healthy`).
    public static func all(for config: PromshardConfig, instance: String) -> [ServiceRegistration] {
        guard let consul = config.consul else { return [] }
        var out: [ServiceRegistration] = []
        let deregister =
            consul.deregisterCriticalAfter > .zero
            ? LeaderElector.goDuration(consul.deregisterCriticalAfter) : nil
        if consul.registerCollectors {
            for service in config.services {
                let check = service.collectors.healthCheck
                for c in service.collectors.static {
                    let host = c.address.hasPrefix("[") ? String(c.address.dropFirst().dropLast()) : c.address
                    out.append(
                        ServiceRegistration(
                            ID: "\(service.name)_\(host)_\(c.port)",
                            Name: service.collectors.consulService ?? service.name,
                            Address: host, Port: c.port, Tags: ["promshard"],
                            Check: HTTPCheck(
                                HTTP: "http://\(c.address):\(c.port)\(check.path)",
                                Interval: LeaderElector.goDuration(check.interval),
                                Timeout: LeaderElector.goDuration(check.timeout),
                                DeregisterCriticalServiceAfter: deregister)))
                }
            }
        }
        if consul.registerSelf {
            let listen = config.http.listen
            let colon = listen.lastIndex(of: ":")!
            let host = String(listen[..<colon])
            let port = Int(listen[listen.index(after: colon)...]) ?? 9292
            out.append(
                ServiceRegistration(
                    ID: "\(consul.selfService)_\(instance)", Name: consul.selfService,
                    Address: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, Port: port,
                    Tags: ["promshard", "cluster=\(consul.cluster)"],
                    Check: HTTPCheck(
                        HTTP: "http://\(listen)/-/healthy", Interval: "10s", Timeout: "5s",
                        DeregisterCriticalServiceAfter: deregister)))
        }
        return out
    }
}
