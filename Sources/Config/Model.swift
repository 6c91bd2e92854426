import PromshardProtocol

/// The validated configuration of promshard.
///
/// Produced by ``ConfigLoader`` from YAML; every path in it is absolute
/// (relative paths are resolved against the config file's directory). It is
/// `Codable` so the supervisor can hand it to its children on the bus.
public struct PromshardConfig: Codable, Sendable, Equatable {
    /// Absolute path of the file this config was read from.
    public var sourcePath: String
    /// `state_dir`: where rendered files, the socket and databases live.
    public var stateDir: String
    /// `http`
    public var http: HTTPSettings
    /// `supervisor` (promshard extension): stop grace and restart policy.
    public var supervisor: SupervisorSettings
    /// `services`: one per sharded scrape job; names are unique.
    public var services: [ServiceConfig]
    /// `zabbix` (optional).
    public var zabbix: ZabbixSettings?
    /// `consul` (optional).
    public var consul: ConsulSettings?
    /// `push` (optional): the Pushgateway router; its child runs only when set.
    public var push: PushSettings?
    /// `jobs` (optional): the jobs engine; its child runs only when set.
    public var jobs: JobsSettings?

    public init(
        sourcePath: String, stateDir: String, http: HTTPSettings = .init(),
        supervisor: SupervisorSettings = .init(), services: [ServiceConfig], zabbix: ZabbixSettings? = nil,
        consul: ConsulSettings? = nil, push: PushSettings? = nil, jobs: JobsSettings? = nil
    ) {
        self.push = push
        self.sourcePath = sourcePath
        self.stateDir = stateDir
        self.http = http
        self.supervisor = supervisor
        self.services = services
        self.zabbix = zabbix
        self.consul = consul
        self.jobs = jobs
    }
}

/// `http:`
public struct HTTPSettings: Codable, Sendable, Equatable {
    /// `listen`, `host:port`; default `127.0.0.1:9292`.
    public var listen: String = "127.0.0.1:9292"
    public init(listen: String = "127.0.0.1:9292") { self.listen = listen }
}

/// `supervisor:` — how children are stopped and restarted.
public struct SupervisorSettings: Codable, Sendable, Equatable {
    /// `stop_grace`: SIGTERM → SIGKILL delay for children (default 5s).
    public var stopGrace: Duration = .seconds(5)
    /// `max_restarts` within `restart_window` before giving up (default 5 in 60s).
    public var maxRestarts: Int = 5
    public var restartWindow: Duration = .seconds(60)
    /// `backoff_initial` / `backoff_max`: restart backoff (1s doubling to 30s).
    public var backoffInitial: Duration = .seconds(1)
    public var backoffMax: Duration = .seconds(30)
    /// `backoff_reset`: a child that ran this long resets its backoff (default 30s).
    public var backoffReset: Duration = .seconds(30)
    /// `child_timeout`: a child that does not answer a liveness ping for
    /// this long, or whose outbound queue overflows, is killed and restarted
    /// (default 30s, at least 1s).
    public var childTimeout: Duration = .seconds(30)
    /// Smallest accepted `child_timeout`.
    public static let minimumChildTimeout: Duration = .seconds(1)
    public init() {}
}

/// One entry of `services:`.
public struct ServiceConfig: Codable, Sendable, Equatable {
    /// `name`: unique; also the hashing namespace of its targets.
    public var name: String
    public var collectors: CollectorsConfig
    public var targets: TargetsConfig
    public var hashing: HashingSettings
    public var dispatch: DispatchSettings

    public init(
        name: String, collectors: CollectorsConfig, targets: TargetsConfig,
        hashing: HashingSettings = .init(),
        dispatch: DispatchSettings
    ) {
        self.name = name
        self.collectors = collectors
        self.targets = targets
        self.hashing = hashing
        self.dispatch = dispatch
    }
}

/// A statically configured collector: `host:port` or a mapping
/// `{address: host:port, weight: 2, zone: a}`.
public struct StaticCollector: Codable, Sendable, Equatable {
    public var address: String
    public var port: Int
    public var weight: Double
    public var zone: String?
    /// `address:port`, the collector's name.
    public var name: String { "\(address):\(port)" }
    public init(address: String, port: Int, weight: Double = 1, zone: String? = nil) {
        self.address = address
        self.port = port
        self.weight = weight
        self.zone = zone
    }
}

/// `services[].collectors:`
public struct CollectorsConfig: Codable, Sendable, Equatable {
    public var `static`: [StaticCollector]
    /// `consul_service` (optional).
    public var consulService: String?
    public var healthCheck: HealthCheckSettings
    /// `consul_probe`: also probe Consul-discovered collectors with `health_check` (default true).
    public var consulProbe: Bool = true
    public init(
        static: [StaticCollector], consulService: String? = nil, healthCheck: HealthCheckSettings = .init(),
        consulProbe: Bool = true
    ) {
        self.static = `static`
        self.consulService = consulService
        self.healthCheck = healthCheck
        self.consulProbe = consulProbe
    }
}

/// `services[].collectors.health_check:`
public struct HealthCheckSettings: Codable, Sendable, Equatable {
    public var path: String = "/-/healthy"
    public var interval: Duration = .seconds(5)
    public var timeout: Duration = .seconds(2)
    /// Consecutive failures before a healthy collector is marked unhealthy.
    public var fall: Int = 2
    /// Consecutive successes before an unhealthy collector is marked healthy.
    public var rise: Int = 2
    public init(
        path: String = "/-/healthy", interval: Duration = .seconds(5), timeout: Duration = .seconds(2),
        fall: Int = 2, rise: Int = 2
    ) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.fall = fall
        self.rise = rise
    }
}

/// `services[].targets:`
public struct TargetsConfig: Codable, Sendable, Equatable {
    public var `static`: [String]
    /// `labels` applied to the static targets (promshard extension).
    public var staticLabels: [String: String]
    /// `files`: absolute glob patterns of file_sd files (JSON or YAML).
    public var files: [String]
    /// `refresh_interval` for re-reading target files (default 5s).
    public var refreshInterval: Duration
    /// `consul_services`: Consul services whose passing instances are targets.
    public var consulServices: [String] = []
    /// `consul_tag`: only instances carrying this tag (optional).
    public var consulTag: String? = nil
    /// `max_drop` (default `50%`), as a fraction: a change that removes a
    /// larger share of the service's targets is held back (1 = never).
    public var maxDrop: Double = 0.5
    /// `drop_hold` (default 2m): how long a held removal must persist before it is applied.
    public var dropHold: Duration = .seconds(120)
    public init(
        static: [String] = [], staticLabels: [String: String] = [:], files: [String] = [],
        refreshInterval: Duration = .seconds(5), consulServices: [String] = [], consulTag: String? = nil,
        maxDrop: Double = 0.5, dropHold: Duration = .seconds(120)
    ) {
        self.static = `static`
        self.staticLabels = staticLabels
        self.files = files
        self.refreshInterval = refreshInterval
        self.consulServices = consulServices
        self.consulTag = consulTag
        self.maxDrop = maxDrop
        self.dropHold = dropHold
    }
}

/// `services[].hashing:`
public struct HashingSettings: Codable, Sendable, Equatable {
    /// `replicas`: collectors per target (default 1).
    public var replicas: Int = 1
    /// `max_load_factor` (optional, > 1): cap on any collector's share.
    public var maxLoadFactor: Double?
    public init(replicas: Int = 1, maxLoadFactor: Double? = nil) {
        self.replicas = replicas
        self.maxLoadFactor = maxLoadFactor
    }
}

/// `services[].dispatch:`
public struct DispatchSettings: Codable, Sendable, Equatable {
    /// `executor`: `file`, `scp`, `ansible`, `none` (pull mode) or an absolute path of a plugin.
    public var executor: String
    /// `dest`: destination path; may contain `{name}`, `{address}`, `{port}`. Empty with `none`.
    public var dest: String
    /// `reload_url`: may contain placeholders; nil = no reload.
    public var reloadURL: String?
    /// `timeout`: deadline of one executor run (default 10s).
    public var timeout: Duration
    /// `kill_grace`: SIGTERM → SIGKILL delay at the deadline (default 2s).
    public var killGrace: Duration
    /// `concurrency`: deliveries running at once (default 16).
    public var concurrency: Int
    /// `params`: passed to the executor untouched.
    public var params: [String: JSONValue]
    /// `retries`: further attempts after a `failed`, `timeout` or `crashed` delivery (default 3).
    public var retries: Int
    /// `retry_backoff`: delay before the first retry, doubling up to ``retryBackoffMax`` (default 1s).
    public var retryBackoff: Duration
    /// `resync`: every collector is delivered again this often even when unchanged (default 5m; 0 = never).
    public var resync: Duration
    /// Upper bound of the retry delay.
    public static let retryBackoffMax: Duration = .seconds(30)
    /// The `executor` of pull mode: nothing is delivered, collectors read `/api/v1/sd/...`.
    public static let none = "none"
    /// Whether dispatch delivers anything for this service (false with `executor: none`).
    public var delivers: Bool { executor != Self.none }
    public init(
        executor: String = "file", dest: String, reloadURL: String? = nil, timeout: Duration = .seconds(10),
        killGrace: Duration = .seconds(2), concurrency: Int = 16, params: [String: JSONValue] = [:],
        retries: Int = 3, retryBackoff: Duration = .seconds(1), resync: Duration = .seconds(300)
    ) {
        self.executor = executor
        self.dest = dest
        self.reloadURL = reloadURL
        self.timeout = timeout
        self.killGrace = killGrace
        self.concurrency = concurrency
        self.params = params
        self.retries = retries
        self.retryBackoff = retryBackoff
        self.resync = resync
    }
}

/// `zabbix:` — the trapper heartbeat sent by the health child (docs/ZABBIX.md).
public struct ZabbixSettings: Codable, Sendable, Equatable {
    public var servers: [String]
    public var host: String
    public var key: String
    public var statusKey: String?
    public var interval: Duration
    /// `timeout`: connect and read timeout of one send, per server (default 3s).
    public var timeout: Duration = .seconds(3)
    public init(
        servers: [String], host: String, key: String = "promshard.ping", statusKey: String? = nil,
        interval: Duration = .seconds(10), timeout: Duration = .seconds(3)
    ) {
        self.servers = servers
        self.host = host
        self.key = key
        self.statusKey = statusKey
        self.interval = interval
        self.timeout = timeout
    }
}

/// `consul:` — the agent promshard talks to, registration and leader election.
public struct ConsulSettings: Codable, Sendable, Equatable {
    public var address: String
    /// `token`: never logged; redacted in ``PromshardConfig/redacted``.
    public var token: String
    /// `ca_file`: PEM bundle to verify an `https://` address with (default: the system store).
    public var caFile: String? = nil
    /// `wait`: the `wait` of blocking queries (default 5m, at most 10m).
    public var wait: Duration = .seconds(300)
    /// `cluster`: name of the group of promshard instances that run as one (default `default`).
    public var cluster: String = "default"
    /// `leader_election`: only the instance holding the lock dispatches (default false).
    public var leaderElection: Bool = false
    /// `lock_key` as written; nil = `promshard/<cluster>/leader` (see ``lockKeyOrDefault``).
    public var lockKey: String? = nil
    /// `session_ttl`: TTL of the leader session, renewed at TTL/2 (default 15s, 10s to 24h).
    public var sessionTTL: Duration = .seconds(15)
    /// `lock_delay`: Consul's LockDelay of the session (default 15s, at most 60s).
    public var lockDelay: Duration = .seconds(15)
    /// `instance`: this instance's name in the lock and in status (default: the host name).
    public var instance: String? = nil
    /// `register_collectors`: register every static collector with an HTTP check (default false).
    public var registerCollectors: Bool = false
    /// `register_self`: register promshard itself with a check on its `/-/healthy` (default false).
    public var registerSelf: Bool = false
    /// `self_service`: the service name promshard registers itself under (default `promshard`).
    public var selfService: String = "promshard"
    /// `deregister_critical_after`: `DeregisterCriticalServiceAfter` of registered checks (default 10m; 0s = never).
    public var deregisterCriticalAfter: Duration = .seconds(600)
    /// `config_key`: a KV key holding a whole promshard config, watched and
    /// applied like SIGHUP (see ``PromshardConfig/merged(withRemote:)``).
    public var configKey: String? = nil

    public init(address: String = "http://127.0.0.1:8500", token: String = "") {
        self.address = address
        self.token = token
    }

    /// The KV key of the leader lock.
    public var lockKeyOrDefault: String { lockKey ?? "promshard/\(cluster)/leader" }
}

extension PromshardConfig {
    /// A copy safe to log or print: secrets replaced by `<redacted>`.
    public var redacted: PromshardConfig {
        var copy = self
        if let c = copy.consul, !c.token.isEmpty { copy.consul?.token = "<redacted>" }
        if let j = copy.jobs { copy.jobs?.store = j.redactedStore }
        return copy
    }
}
