import PromshardConfig
import PromshardConsul
import PromshardProtocol
import Testing

/// Consul service instances → collectors, targets and registrations, without I/O.
@Suite struct ServiceMappingTests {
    func entry(
        _ id: String, service: String = "prom", address: String, node: String = "n1",
        nodeAddress: String = "10.0.0.1",
        port: Int, tags: [String] = [], meta: [String: String] = [:]
    ) -> ServiceEntry {
        ServiceEntry(
            Node: .init(Node: node, Address: nodeAddress, Datacenter: "dc1"),
            Service: .init(ID: id, Service: service, Address: address, Port: port, Tags: tags, Meta: meta))
    }

    @Test func collectorAddressFallsBackToTheNodeAddress() {
        let collectors = ServiceMapping.collectors([
            entry("a", address: "", nodeAddress: "10.0.0.9", port: 9090),
            entry(
                "b", address: "10.1.1.1", port: 9091, meta: ["promshard_weight": "2", "promshard_zone": "z1"]),
            entry("dup", address: "10.1.1.1", port: 9091),
            entry("v6", address: "::1", port: 9092),
        ])
        #expect(collectors.map(\.name) == ["10.0.0.9:9090", "10.1.1.1:9091", "[::1]:9092"])
        #expect(collectors[1].weight == 2)
        #expect(collectors[1].zone == "z1")
    }

    @Test func targetsCarryConsulSDLabelsAndCanBeFilteredByTag() {
        let groups = ServiceMapping.targets(
            [
                entry(
                    "web-1", service: "web", address: "10.2.0.1", port: 80, tags: ["prod", "a"],
                    meta: ["team": "x", "os-name": "deb"]),
                entry("web-2", service: "web", address: "10.2.0.2", port: 80, tags: ["canary"]),
            ], tag: "prod")
        #expect(groups.count == 1)
        let g = groups[0]
        #expect(g.targets == ["10.2.0.1:80"])
        #expect(g.labels["__meta_consul_service"] == "web")
        #expect(g.labels["__meta_consul_node"] == "n1")
        #expect(g.labels["__meta_consul_tags"] == ",prod,a,")
        #expect(g.labels["__meta_consul_service_metadata_team"] == "x")
        #expect(g.labels["__meta_consul_service_metadata_os_name"] == "deb")
        #expect(ServiceMapping.targets([entry("w", address: "10.2.0.3", port: 80)]).count == 1)
    }

    @Test func registrationsUseTheDocumentedIDsAndChecks() throws {
        let yaml = """
            http: {listen: 127.0.0.1:9393}
            services:
              - name: node
                collectors:
                  static: [10.0.0.1:9090]
                  consul_service: prometheus-node
                  health_check: {path: /-/ready, interval: 7s, timeout: 3s}
                dispatch: {dest: out.json}
            consul: {register_collectors: true, register_self: true, instance: a, deregister_critical_after: 5m}
            """
        let config = try ConfigLoader.parse(yaml: yaml, sourcePath: "/tmp/p.yaml")
        let regs = ServiceRegistration.all(for: config, instance: "a")
        #expect(regs.map(\.ID) == ["node_10.0.0.1_9090", "promshard_a"])
        #expect(regs[0].Name == "prometheus-node")
        #expect(regs[0].Check.HTTP == "http://10.0.0.1:9090/-/ready")
        #expect(regs[0].Check.Interval == "7s")
        #expect(regs[0].Check.Timeout == "3s")
        #expect(regs[0].Check.DeregisterCriticalServiceAfter == "300s")
        #expect(regs[1].Check.HTTP == "http://127.0.0.1:9393/-/healthy")
        #expect(regs[1].Port == 9393)
    }

    @Test func consulConfigKeysHaveTheirDefaultsAndLimits() throws {
        let base = """
            services:
              - name: node
                collectors: {consul_service: prom, consul_probe: false}
                targets: {consul_services: [web, db], consul_tag: prod}
                dispatch: {dest: out.json}

            """
        let config = try ConfigLoader.parse(
            yaml: base + "consul: {cluster: eu, leader_election: true}\n", sourcePath: "/tmp/p.yaml")
        let consul = try #require(config.consul)
        #expect(consul.lockKeyOrDefault == "promshard/eu/leader")
        #expect(consul.sessionTTL == .seconds(15))
        #expect(consul.lockDelay == .seconds(15))
        #expect(consul.wait == .seconds(300))
        #expect(consul.leaderElection)
        #expect(!consul.registerCollectors)
        #expect(config.services[0].collectors.consulProbe == false)
        #expect(config.services[0].targets.consulServices == ["web", "db"])
        #expect(config.services[0].targets.consulTag == "prod")
        #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(yaml: base + "consul: {session_ttl: 5s}\n", sourcePath: "/tmp/p.yaml")
        }
        #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(yaml: base + "consul: {wait: 11m}\n", sourcePath: "/tmp/p.yaml")
        }
        #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(yaml: base + "consul: {leader_election: yes}\n", sourcePath: "/tmp/p.yaml")
        }
    }
}
