import PromshardProtocol

/// Keys of each section, as written in YAML.
enum Keys {
    static let root = ["state_dir", "http", "supervisor", "services", "zabbix", "consul", "push", "jobs"]
    static let jobs = [
        "store", "workers", "unit_size", "timeout", "lease", "kill_grace", "executor", "params",
    ]
    static let http = ["listen"]
    static let supervisor = [
        "stop_grace", "max_restarts", "restart_window", "backoff_initial", "backoff_max", "backoff_reset",
        "child_timeout",
    ]
    static let service = ["name", "collectors", "targets", "hashing", "dispatch"]
    static let collectors = ["static", "consul_service", "consul_probe", "health_check"]
    static let staticCollector = ["address", "weight", "zone"]
    static let healthCheck = ["path", "interval", "timeout", "fall", "rise"]
    static let targets = [
        "static", "labels", "files", "refresh_interval", "consul_services", "consul_tag", "max_drop",
        "drop_hold",
    ]
    static let hashing = ["replicas", "max_load_factor"]
    static let dispatch = [
        "executor", "dest", "reload_url", "timeout", "kill_grace", "concurrency", "params",
        "retries", "retry_backoff", "resync",
    ]
    static let zabbix = ["server", "host", "key", "status_key", "interval", "timeout"]
    static let consul = [
        "address", "token", "ca_file", "wait", "cluster", "leader_election", "lock_key", "session_ttl",
        "lock_delay",
        "instance", "register_collectors", "register_self", "self_service", "deregister_critical_after",
        "config_key",
    ]
}

/// Executors shipped with promshard, referred to by name (`none`: pull mode, nothing is delivered).
let builtinExecutors = ["file", "scp", "ansible", DispatchSettings.none]

extension ConfigDecoder {
    /// The whole document; nil only when the top level is not a mapping.
    mutating func decodeConfig(_ root: YAMLNode, sourcePath: String) -> PromshardConfig? {
        let rootField = Field(node: root, path: .root, line: root.line)
        guard root.pairs != nil else {
            report(
                .root, line: root.line,
                "expected a mapping at the top level (with keys \(Keys.root.joined(separator: ", "))), got \(root.kindDescription)"
            )
            return nil
        }
        guard let fields = mapping(rootField, known: Keys.root) else { return nil }

        var stateDir = resolvePath("./var")
        if let f = fields["state_dir"], let s = nonEmptyString(f) { stateDir = resolvePath(s) }

        var http = HTTPSettings()
        if let f = fields["http"], let m = mapping(f, known: Keys.http), let listen = m["listen"],
            let s = string(listen)
        {
            if case .failure(let e) = Validation.hostPort(s, portRequired: true) {
                report(listen, e.text)
            } else {
                http.listen = s
            }
        }

        var supervisor = SupervisorSettings()
        if let f = fields["supervisor"] { supervisor = decodeSupervisor(f) }
        var push: PushSettings?
        if let f = fields["push"] { push = decodePush(f, httpListen: http.listen) }
        var jobs: JobsSettings?
        if let f = fields["jobs"] { jobs = decodeJobs(f) }
        var consul: ConsulSettings?
        if let f = fields["consul"] { consul = decodeConsul(f) }
        // `services: []` (or none) is a normal config that only routes pushes or only runs
        // jobs, and a normal local file when the services come from Consul KV (the value of the
        // key itself must then list some).
        let services = decodeServices(
            fields, allowEmpty: push != nil || jobs != nil || (!remote && consul?.configKey != nil))
        var zabbix: ZabbixSettings?
        if let f = fields["zabbix"] { zabbix = decodeZabbix(f) }

        return PromshardConfig(
            sourcePath: sourcePath, stateDir: stateDir, http: http, supervisor: supervisor,
            services: services,
            zabbix: zabbix, consul: consul, push: push, jobs: jobs)
    }

    mutating func decodeSupervisor(_ field: Field) -> SupervisorSettings {
        var s = SupervisorSettings()
        guard let m = mapping(field, known: Keys.supervisor) else { return s }
        s.stopGrace = duration(m, "stop_grace", default: s.stopGrace, positive: false)
        s.maxRestarts = int(m, "max_restarts", default: s.maxRestarts, min: 1)
        s.restartWindow = duration(m, "restart_window", default: s.restartWindow, positive: true)
        s.backoffInitial = duration(m, "backoff_initial", default: s.backoffInitial, positive: true)
        s.backoffMax = duration(m, "backoff_max", default: s.backoffMax, positive: true)
        s.backoffReset = duration(m, "backoff_reset", default: s.backoffReset, positive: true)
        s.childTimeout = duration(m, "child_timeout", default: s.childTimeout, positive: true)
        if s.childTimeout < SupervisorSettings.minimumChildTimeout, let f = m["child_timeout"] {
            report(
                f,
                "must be at least \(formatDuration(SupervisorSettings.minimumChildTimeout)) (a child busy for a moment must not be killed)"
            )
            s.childTimeout = SupervisorSettings.minimumChildTimeout
        }
        if s.backoffMax < s.backoffInitial, let f = m["backoff_max"] ?? m["backoff_initial"] {
            report(
                f,
                "backoff_max (\(formatDuration(s.backoffMax))) must not be less than backoff_initial (\(formatDuration(s.backoffInitial)))"
            )
        }
        return s
    }

    /// `services`; absent, null or empty only when `allowEmpty` (`push:`, `jobs:`, or in the
    /// local file `consul.config_key` is set).
    mutating func decodeServices(_ root: Fields, allowEmpty: Bool) -> [ServiceConfig] {
        guard let field = root["services"], !(allowEmpty && field.isNull) else {
            if !allowEmpty { missing(root, "services") }
            return []
        }
        guard let items = sequence(field) else { return [] }
        if items.isEmpty && !allowEmpty {
            report(
                field,
                remote
                    ? "must list at least one service (this is the value of consul.config_key)"
                    : "must list at least one service")
            return []
        }
        var services: [ServiceConfig] = []
        var firstLine: [String: Int] = [:]
        for item in items {
            let (service, name) = decodeService(item)
            if let (name, nameField) = name {
                if let first = firstLine[name] {
                    report(nameField, "duplicate service name \"\(name)\" (first defined on line \(first))")
                    continue
                }
                firstLine[name] = nameField.line
            }
            if let service { services.append(service) }
        }
        return services
    }

    /// A service (nil if invalid) and its name with the field it came from
    /// (for duplicate reporting, even when the rest of the service is invalid).
    mutating func decodeService(_ field: Field) -> (ServiceConfig?, (String, Field)?) {
        guard let m = mapping(field, known: Keys.service) else { return (nil, nil) }
        var name: String?
        let nameField = m["name"]
        if let nameField, let s = nonEmptyString(nameField) {
            if Validation.isServiceName(s) {
                name = s
            } else {
                report(
                    nameField,
                    "invalid service name \"\(s)\": use letters, digits, '_', '.', '-' (starting with a letter or digit)"
                )
            }
        } else if nameField == nil {
            missing(m, "name")
        }

        var collectors: CollectorsConfig?
        if let f = m["collectors"] {
            collectors = decodeCollectors(f)
        } else {
            missing(m, "collectors")
        }
        var targets = TargetsConfig()
        if let f = m["targets"] { targets = decodeTargets(f) }
        var hashing = HashingSettings()
        if let f = m["hashing"] { hashing = decodeHashing(f) }
        var dispatch: DispatchSettings?
        if let f = m["dispatch"] {
            dispatch = decodeDispatch(f)
        } else {
            missing(m, "dispatch")
        }
        guard let name, let nameField else { return (nil, nil) }
        guard let collectors, let dispatch else { return (nil, (name, nameField)) }
        return (
            ServiceConfig(
                name: name, collectors: collectors, targets: targets, hashing: hashing, dispatch: dispatch),
            (name, nameField)
        )
    }

    /// `collectors:`, or `push.gateways:` (same keys) with `noun` "gateways".
    mutating func decodeCollectors(_ field: Field, noun: String = "collectors") -> CollectorsConfig? {
        guard let m = mapping(field, known: Keys.collectors) else { return nil }
        var collectors: [StaticCollector] = []
        var firstLine: [String: Int] = [:]
        if let f = m["static"], let items = sequence(f) {
            for item in items {
                guard let c = decodeStaticCollector(item) else { continue }
                if let first = firstLine[c.name] {
                    report(item, "duplicate collector \"\(c.name)\" (first on line \(first))")
                    continue
                }
                firstLine[c.name] = item.line
                collectors.append(c)
            }
        }
        var consulService: String?
        if let f = m["consul_service"] { consulService = nonEmptyString(f) }
        var healthCheck = HealthCheckSettings()
        if let f = m["health_check"] { healthCheck = decodeHealthCheck(f) }
        let consulProbe = bool(m, "consul_probe", default: true)

        // A `static` of the wrong type is already reported; only an absent or
        // empty list with no `consul_service` means "no source".
        let staticGiven = m["static"].map { $0.node.items?.isEmpty != true } ?? false
        if !staticGiven, m["consul_service"] == nil {
            report(field, "no \(noun): set \(noun).static and/or \(noun).consul_service")
        }
        return CollectorsConfig(
            static: collectors, consulService: consulService, healthCheck: healthCheck,
            consulProbe: consulProbe)
    }

    /// `host:port` or `{address: host:port, weight: 2, zone: a}`.
    mutating func decodeStaticCollector(_ field: Field) -> StaticCollector? {
        if field.node.pairs != nil {
            guard let m = mapping(field, known: Keys.staticCollector) else { return nil }
            var weight = 1.0
            if let f = m["weight"], let w = double(f) {
                if w > 0, w.isFinite { weight = w } else { report(f, "must be greater than 0, got \(w)") }
            }
            var zone: String?
            if let f = m["zone"] { zone = nonEmptyString(f) }
            guard let f = m["address"] else {
                missing(m, "address")
                return nil
            }
            guard let (host, port) = collectorAddress(f) else { return nil }
            return StaticCollector(address: host, port: port, weight: weight, zone: zone)
        }
        guard let (host, port) = collectorAddress(field) else { return nil }
        return StaticCollector(address: host, port: port)
    }

    private mutating func collectorAddress(_ field: Field) -> (String, Int)? {
        guard let s = string(field) else { return nil }
        switch Validation.hostPort(s, portRequired: true) {
        case .success(let hp): return (hp.host, hp.port ?? 0)
        case .failure(let e):
            report(field, e.text)
            return nil
        }
    }

    mutating func decodeHealthCheck(_ field: Field) -> HealthCheckSettings {
        var h = HealthCheckSettings()
        guard let m = mapping(field, known: Keys.healthCheck) else { return h }
        if let f = m["path"], let p = string(f) {
            if p.hasPrefix("/"), !p.contains(where: { $0.isWhitespace }) {
                h.path = p
            } else {
                report(f, "must be an absolute URL path starting with '/', got \"\(p)\"")
            }
        }
        h.interval = duration(m, "interval", default: h.interval, positive: true)
        h.timeout = duration(m, "timeout", default: h.timeout, positive: true)
        h.fall = int(m, "fall", default: h.fall, min: 1)
        h.rise = int(m, "rise", default: h.rise, min: 1)
        return h
    }

    mutating func decodeTargets(_ field: Field) -> TargetsConfig {
        var t = TargetsConfig()
        guard let m = mapping(field, known: Keys.targets) else { return t }
        for (value, item) in stringList(m, "static") ?? [] {
            if case .failure(let e) = Validation.hostPort(value, portRequired: false) {
                report(item, e.text)
            } else {
                t.static.append(value)
            }
        }
        if let f = m["labels"], let entries = freeMapping(f) {
            for (key, valueField) in entries {
                guard Validation.isLabelName(key) else {
                    report(valueField, "invalid label name \"\(key)\": must match [a-zA-Z_][a-zA-Z0-9_]*")
                    continue
                }
                if let value = string(valueField) { t.staticLabels[key] = value }
            }
        }
        for (value, item) in stringList(m, "files") ?? [] {
            if value.isEmpty {
                report(item, "must not be empty")
            } else {
                t.files.append(resolvePath(value))
            }
        }
        t.refreshInterval = duration(m, "refresh_interval", default: t.refreshInterval, positive: true)
        for (value, item) in stringList(m, "consul_services") ?? [] {
            if value.isEmpty { report(item, "must not be empty") } else { t.consulServices.append(value) }
        }
        if let f = m["consul_tag"] { t.consulTag = nonEmptyString(f) }
        if let f = m["max_drop"], let share = share(f) { t.maxDrop = share }
        t.dropHold = duration(m, "drop_hold", default: t.dropHold, positive: true)
        return t
    }

    mutating func decodeHashing(_ field: Field) -> HashingSettings {
        var h = HashingSettings()
        guard let m = mapping(field, known: Keys.hashing) else { return h }
        h.replicas = int(m, "replicas", default: h.replicas, min: 1)
        if let f = m["max_load_factor"], let v = double(f) {
            if v > 1, v.isFinite {
                h.maxLoadFactor = v
            } else {
                report(f, "must be greater than 1, got \(v)")
            }
        }
        return h
    }

    mutating func decodeDispatch(_ field: Field) -> DispatchSettings? {
        guard let m = mapping(field, known: Keys.dispatch) else { return nil }
        var executor = "file"
        if let f = m["executor"] {
            if let s = nonEmptyString(f) {
                executor = builtinExecutors.contains(s) || !s.contains("/") ? s : resolvePath(s)
            }
        } else if let f = m.entries["executor"] {
            report(f, "must not be empty (file, scp, ansible, none or the path of an executor)")
        }

        var dest: String?
        if let f = m["dest"] {
            if let s = nonEmptyString(f), checkPlaceholders(s, f) { dest = resolvePath(s) }
        } else if executor == DispatchSettings.none {
            dest = ""  // pull mode: collectors read their share over http_sd, nothing is written
        } else {
            missing(m, "dest")
        }

        var reloadURL: String?
        if let f = m["reload_url"], let s = string(f), !s.isEmpty {
            if !Validation.isHTTPURL(s) {
                report(f, "invalid URL \"\(s)\": must start with http:// or https://")
            } else if checkPlaceholders(s, f) {
                reloadURL = s
            }
        }

        let timeout = duration(m, "timeout", default: .seconds(10), positive: true)
        let killGrace = duration(m, "kill_grace", default: .seconds(2), positive: false)
        let concurrency = int(m, "concurrency", default: 16, min: 1)
        let retries = int(m, "retries", default: 3, min: 0)
        let retryBackoff = duration(m, "retry_backoff", default: .seconds(1), positive: true)
        let resync = duration(m, "resync", default: .seconds(300), positive: false)
        var params: [String: JSONValue] = [:]
        if let f = m["params"], let entries = freeMapping(f) {
            for (key, valueField) in entries { params[key] = valueField.node.toJSONValue() }
        }
        guard let dest else { return nil }
        return DispatchSettings(
            executor: executor, dest: dest, reloadURL: reloadURL, timeout: timeout, killGrace: killGrace,
            concurrency: concurrency, params: params, retries: retries, retryBackoff: retryBackoff,
            resync: resync)
    }

    /// Reports `{…}` placeholders other than `{name}`, `{address}`, `{port}`.
    private mutating func checkPlaceholders(_ s: String, _ field: Field) -> Bool {
        let unknown = Validation.unknownPlaceholders(in: s)
        guard unknown.isEmpty else {
            report(
                field,
                "unknown placeholder \(unknown.map { "{\($0)}" }.joined(separator: ", ")) (allowed: {name}, {address}, {port})"
            )
            return false
        }
        return true
    }

    mutating func decodeZabbix(_ field: Field) -> ZabbixSettings? {
        guard let m = mapping(field, known: Keys.zabbix) else { return nil }
        var servers: [String] = []
        if let f = m["server"] {
            let items: [Field]
            if f.node.items != nil {
                items = sequence(f) ?? []
                if items.isEmpty { report(f, "must list at least one server") }
            } else {
                items = [f]
            }
            for item in items {
                guard let s = string(item) else { continue }
                switch Validation.hostPort(s, portRequired: true, defaultPort: 10051) {
                case .success(let hp): servers.append("\(hp.host):\(hp.port ?? 10051)")
                case .failure(let e): report(item, e.text)
                }
            }
        } else {
            missing(m, "server")
        }
        var host: String?
        if let f = m["host"] { host = nonEmptyString(f) } else { missing(m, "host") }
        var key = "promshard.ping"
        if let f = m["key"], let s = nonEmptyString(f) { key = s }
        var statusKey: String?
        if let f = m["status_key"] { statusKey = nonEmptyString(f) }
        let interval = duration(m, "interval", default: .seconds(10), positive: true)
        let timeout = duration(m, "timeout", default: .seconds(3), positive: true)
        guard let host, !servers.isEmpty else { return nil }
        return ZabbixSettings(
            servers: servers, host: host, key: key, statusKey: statusKey, interval: interval, timeout: timeout
        )
    }

    /// The token's value never appears in an error message.
    mutating func decodeConsul(_ field: Field) -> ConsulSettings? {
        guard let m = mapping(field, known: Keys.consul) else { return nil }
        var c = ConsulSettings()
        if let f = m["address"], let s = string(f) {
            if Validation.isHTTPURL(s) {
                c.address = s
            } else {
                report(f, "invalid URL \"\(s)\": must start with http:// or https://")
            }
        }
        if let f = m["token"], let s = string(f) { c.token = s }
        if let f = m["ca_file"], let s = nonEmptyString(f) { c.caFile = resolvePath(s) }
        c.wait = duration(m, "wait", default: c.wait, positive: true)
        if c.wait > .seconds(600), let f = m["wait"] {
            report(f, "must be at most 10m (Consul's limit for blocking queries)")
            c.wait = .seconds(600)
        }
        if let f = m["cluster"], let s = nonEmptyString(f) { c.cluster = s }
        c.leaderElection = bool(m, "leader_election", default: false)
        if let f = m["lock_key"] { c.lockKey = kvKey(f) }
        if let f = m["config_key"] { c.configKey = kvKey(f) }
        c.sessionTTL = duration(m, "session_ttl", default: c.sessionTTL, positive: true)
        if let f = m["session_ttl"], c.sessionTTL < .seconds(10) || c.sessionTTL > .seconds(86400) {
            report(f, "must be from 10s to 24h (Consul's limits for a session TTL)")
            c.sessionTTL = .seconds(15)
        }
        c.lockDelay = duration(m, "lock_delay", default: c.lockDelay, positive: false)
        if let f = m["lock_delay"], c.lockDelay > .seconds(60) {
            report(f, "must be at most 1m (Consul's limit for a lock delay)")
            c.lockDelay = .seconds(15)
        }
        if let f = m["instance"] { c.instance = nonEmptyString(f) }
        c.registerCollectors = bool(m, "register_collectors", default: false)
        c.registerSelf = bool(m, "register_self", default: false)
        if let f = m["self_service"], let s = nonEmptyString(f) { c.selfService = s }
        c.deregisterCriticalAfter = duration(
            m, "deregister_critical_after", default: c.deregisterCriticalAfter, positive: false)
        return c
    }

    /// A Consul KV key: not empty, no leading `/`, no spaces, `?` or `#`.
    mutating func kvKey(_ f: Field) -> String? {
        guard let s = nonEmptyString(f) else { return nil }
        if s.hasPrefix("/") || s.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) {
            report(f, "invalid KV key \"\(s)\": no leading '/', no spaces, '?' or '#'")
            return nil
        }
        return s
    }

    /// A boolean (`true`/`false`); absent or null gives `value`.
    mutating func bool(_ fields: Fields, _ key: String, default value: Bool) -> Bool {
        guard let f = fields[key] else { return value }
        guard let s = f.node.scalar, case .bool(let b) = s.resolved else {
            typeError(f, expected: "a boolean (true or false)")
            return value
        }
        return b
    }
}
