import Foundation
import PromshardConfig
import PromshardProtocol
import Testing

let configPath = "/etc/promshard/promshard.yml"

/// The errors of an invalid config (records an issue when it is valid).
func configErrors(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigError] {
    do {
        _ = try ConfigLoader.parse(yaml: yaml, sourcePath: configPath)
        Issue.record("expected the config to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.errors
    }
}

/// Expects an error at `path` and `line` whose message contains `message`.
@discardableResult
func expectError(
    _ yaml: String, path: String, line: Int?, _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigError? {
    let errors = configErrors(yaml, sourceLocation: sourceLocation)
    let match = errors.first { $0.path == path && $0.line == line && $0.message.contains(message) }
    #expect(
        match != nil,
        "no error at \(path):\(line.map(String.init) ?? "-") containing \"\(message)\" in:\n\(errors)",
        sourceLocation: sourceLocation)
    return match
}

/// A small valid service to append to `services:`.
let minimalService = """
    services:
      - name: node
        collectors:
          static: [127.0.0.1:9090]
        dispatch:
          dest: sd/node.json
    """

@Suite("Config loader: valid configs")
struct ValidConfigTests {
    @Test func fullConfigDecodesEveryKey() throws {
        let yaml = """
            state_dir: /var/lib/promshard
            http: { listen: 0.0.0.0:9393 }
            supervisor:
              stop_grace: 3s
              max_restarts: 7
              restart_window: 2m
              backoff_initial: 500ms
              backoff_max: 1m
              backoff_reset: 45s
              child_timeout: 10s
            services:
              - name: node
                collectors:
                  static: [127.0.0.1:9090, {address: 127.0.0.1:9091, weight: 2, zone: a}, "[::1]:9092"]
                  consul_service: prometheus-node
                  health_check: { path: /-/ready, interval: 3s, timeout: 1s, fall: 3, rise: 4 }
                targets:
                  static: [10.0.0.1:9100, node-2.example.com:9100]
                  labels: {env: prod, rack: 12}
                  files: [targets/*.json, /srv/sd/*.yml]
                  refresh_interval: 30s
                hashing: { replicas: 2, max_load_factor: 1.25 }
                dispatch:
                  executor: ./plugins/my-exec
                  dest: /opt/app/prometheus/sd/promshard_{name}.json
                  reload_url: http://{address}:{port}/-/reload
                  timeout: 15s
                  kill_grace: 1s
                  concurrency: 4
                  params: {user: prom, retries: 3, hosts: [a, b], opts: {dry: true}}
            zabbix: { server: [zbx1, "zbx2:10052"], host: promshard-01, key: ps.ping, status_key: ps.status, interval: 20s }
            consul: { address: https://consul:8501, token: s3cr3t }
            """
        let config = try ConfigLoader.parse(yaml: yaml, sourcePath: configPath)
        var supervisor = SupervisorSettings()
        supervisor.stopGrace = .seconds(3)
        supervisor.maxRestarts = 7
        supervisor.restartWindow = .seconds(120)
        supervisor.backoffInitial = .milliseconds(500)
        supervisor.backoffMax = .seconds(60)
        supervisor.backoffReset = .seconds(45)
        supervisor.childTimeout = .seconds(10)
        let expected = PromshardConfig(
            sourcePath: configPath, stateDir: "/var/lib/promshard",
            http: HTTPSettings(listen: "0.0.0.0:9393"),
            supervisor: supervisor,
            services: [
                ServiceConfig(
                    name: "node",
                    collectors: CollectorsConfig(
                        static: [
                            StaticCollector(address: "127.0.0.1", port: 9090),
                            StaticCollector(address: "127.0.0.1", port: 9091, weight: 2, zone: "a"),
                            StaticCollector(address: "[::1]", port: 9092),
                        ],
                        consulService: "prometheus-node",
                        healthCheck: HealthCheckSettings(
                            path: "/-/ready", interval: .seconds(3), timeout: .seconds(1), fall: 3, rise: 4)),
                    targets: TargetsConfig(
                        static: ["10.0.0.1:9100", "node-2.example.com:9100"],
                        staticLabels: ["env": "prod", "rack": "12"],
                        files: ["/etc/promshard/targets/*.json", "/srv/sd/*.yml"],
                        refreshInterval: .seconds(30)),
                    hashing: HashingSettings(replicas: 2, maxLoadFactor: 1.25),
                    dispatch: DispatchSettings(
                        executor: "/etc/promshard/plugins/my-exec",
                        dest: "/opt/app/prometheus/sd/promshard_{name}.json",
                        reloadURL: "http://{address}:{port}/-/reload", timeout: .seconds(15),
                        killGrace: .seconds(1),
                        concurrency: 4,
                        params: [
                            "user": .string("prom"), "retries": .number(3),
                            "hosts": .array([.string("a"), .string("b")]),
                            "opts": .object(["dry": .bool(true)]),
                        ]))
            ],
            zabbix: ZabbixSettings(
                servers: ["zbx1:10051", "zbx2:10052"], host: "promshard-01", key: "ps.ping",
                statusKey: "ps.status",
                interval: .seconds(20)),
            consul: ConsulSettings(address: "https://consul:8501", token: "s3cr3t"))
        #expect(config == expected)
        #expect(config.redacted.consul?.token == "<redacted>")
    }

    @Test func minimalConfigGetsDefaults() throws {
        let config = try ConfigLoader.parse(yaml: minimalService, sourcePath: configPath)
        #expect(config.sourcePath == configPath)
        #expect(config.stateDir == "/etc/promshard/var")
        #expect(config.http == HTTPSettings())
        #expect(config.http.listen == "127.0.0.1:9292")
        #expect(config.supervisor == SupervisorSettings())
        #expect(config.zabbix == nil)
        #expect(config.consul == nil)
        let service = try #require(config.services.first)
        #expect(service.name == "node")
        #expect(
            service.collectors
                == CollectorsConfig(static: [StaticCollector(address: "127.0.0.1", port: 9090)]))
        #expect(service.collectors.healthCheck == HealthCheckSettings())
        #expect(service.targets == TargetsConfig())
        #expect(service.hashing == HashingSettings())
        #expect(service.dispatch == DispatchSettings(dest: "/etc/promshard/sd/node.json"))
        #expect(service.dispatch.executor == "file")
        #expect(service.dispatch.timeout == .seconds(10))
        #expect(service.dispatch.killGrace == .seconds(2))
        #expect(service.dispatch.concurrency == 16)
    }

    @Test func nullSectionsMeanDefaults() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                http:
                supervisor: ~
                services:
                  - name: node
                    collectors: {static: [127.0.0.1:9090], health_check: }
                    targets:
                    hashing:
                    dispatch: {dest: /x.json, params: , reload_url: ""}
                """, sourcePath: configPath)
        #expect(config.http == HTTPSettings())
        #expect(config.services[0].dispatch.reloadURL == nil)
        #expect(config.services[0].dispatch.params.isEmpty)
    }

    @Test func relativePathsResolveAgainstTheConfigDirectory() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                state_dir: ../state/./promshard
                services:
                  - name: node
                    collectors: {static: [127.0.0.1:9090]}
                    targets: {files: [targets/*.json, ./more/**/x-*.yml, ../shared/sd/*.json, /abs/*.json]}
                    dispatch: {executor: scp, dest: "out/{name}.json"}
                  - name: blackbox
                    collectors: {static: [127.0.0.1:9090]}
                    dispatch: {executor: plugins/x, dest: /abs/out.json}
                  - name: other
                    collectors: {static: [127.0.0.1:9090]}
                    dispatch: {executor: my-executor, dest: ./a/../b.json}
                """, sourcePath: "/srv/conf/promshard.yml")
        #expect(config.stateDir == "/srv/state/promshard")
        #expect(
            config.services[0].targets.files == [
                "/srv/conf/targets/*.json", "/srv/conf/more/**/x-*.yml", "/srv/shared/sd/*.json",
                "/abs/*.json",
            ])
        #expect(config.services[0].dispatch.executor == "scp")
        #expect(config.services[0].dispatch.dest == "/srv/conf/out/{name}.json")
        #expect(config.services[1].dispatch.executor == "/srv/conf/plugins/x")
        #expect(config.services[1].dispatch.dest == "/abs/out.json")
        #expect(config.services[2].dispatch.executor == "my-executor")
        #expect(config.services[2].dispatch.dest == "/srv/conf/b.json")
    }

    @Test func zabbixServerAsString() throws {
        let config = try ConfigLoader.parse(
            yaml: minimalService + "\nzabbix: {server: 127.0.0.1, host: ps}\n", sourcePath: configPath)
        #expect(config.zabbix == ZabbixSettings(servers: ["127.0.0.1:10051"], host: "ps"))
    }

    @Test func anchorsAndMergeKeysWork() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                services:
                  - name: a
                    collectors: &c {static: [127.0.0.1:9090]}
                    dispatch: &d {dest: /a.json, timeout: 3s}
                  - name: b
                    collectors: *c
                    dispatch: {<<: *d, dest: /b.json}
                """, sourcePath: configPath)
        #expect(config.services[1].collectors == config.services[0].collectors)
        #expect(config.services[1].dispatch.timeout == .seconds(3))
        #expect(config.services[1].dispatch.dest == "/b.json")
    }

    @Test func configRoundTripsThroughJSON() throws {
        let config = try ConfigLoader.parse(yaml: minimalService, sourcePath: configPath)
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(PromshardConfig.self, from: data) == config)
    }
}

@Suite("Config loader: files")
struct ConfigFileTests {
    private func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("promshard-config-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func loadResolvesPathsAgainstTheFile() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("promshard.yml")
        try (minimalService + "\n    targets: {files: [t/*.json]}\n").write(
            to: file, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: file.path)
        #expect(config.sourcePath == file.path)
        #expect(config.stateDir == dir.path + "/var")
        #expect(config.services[0].targets.files == [dir.path + "/t/*.json"])
        #expect(config.services[0].dispatch.dest == dir.path + "/sd/node.json")
    }

    @Test func errorsNameTheFile() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yml")
        try "services: []\n".write(to: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: file.path) }
        #expect(error.errors.count == 1)
        #expect(error.description == "\(file.path):1: services: must list at least one service")
    }

    @Test func unreadableFileIsOneError() throws {
        let missing = "/nonexistent/promshard-\(UUID()).yml"
        let error = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: missing) }
        #expect(error.errors.count == 1)
        #expect(error.errors[0].file == missing)
        #expect(error.errors[0].line == nil)
        #expect(error.errors[0].message.contains("cannot read config file"))
        #expect(error.description.hasPrefix("\(missing): cannot read config file: "))

        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let asDirectory = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: dir.path) }
        #expect(asDirectory.errors.count == 1)
        #expect(asDirectory.errors[0].message.contains("cannot read config file"))
    }

    @Test func invalidUTF8InAFileIsAnError() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("binary.yml")
        try Data([0x73, 0x3A, 0x20, 0xC3, 0x28, 0x0A]).write(to: file)
        let error = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: file.path) }
        #expect(error.errors.count == 1)
        #expect(error.errors[0].line == 1)
        #expect(error.errors[0].message.hasPrefix("invalid YAML"))
    }
}
