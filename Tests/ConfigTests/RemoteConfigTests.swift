import PromshardConfig
import Testing

/// `consul.config_key`: the local file's rules and the merge with the key's value.
@Suite("Config from Consul KV")
struct RemoteConfigTests {
    static let localYAML = """
        state_dir: /var/lib/promshard
        consul:
          address: http://127.0.0.1:8500
          token: local-secret
          config_key: promshard/config
        services: []
        """

    static let remoteYAML = """
        state_dir: /tmp/elsewhere
        http: { listen: 127.0.0.1:9999 }
        consul: { address: http://10.0.0.9:8500, token: remote-token }
        services:
          - name: node
            collectors:
              static: [127.0.0.1:9090]
            dispatch:
              dest: sd/node.json
        """

    func local() throws -> PromshardConfig {
        try ConfigLoader.parse(yaml: Self.localYAML, sourcePath: configPath)
    }

    @Test func localFileMayHaveNoServicesWhenItNamesAConfigKey() throws {
        let config = try local()
        #expect(config.services.isEmpty)
        #expect(config.consul?.configKey == "promshard/config")
    }

    @Test func emptyServicesWithoutAConfigKeyIsStillAnError() {
        expectError(
            "consul: { address: http://127.0.0.1:8500 }\nservices: []\n", path: "services", line: 2,
            "must list at least one service")
    }

    @Test func configKeyIsCheckedLikeAnyKVKey() {
        expectError(
            "consul: { config_key: /promshard/config }\nservices: []\n", path: "consul.config_key", line: 1,
            "invalid KV key")
    }

    @Test func mergeTakesStateDirAndConsulFromTheLocalFileAndTheRestFromTheKey() throws {
        let merged = try RemoteConfig.parse(Self.remoteYAML, key: "promshard/config", local: try local())
        #expect(merged.stateDir == "/var/lib/promshard")
        #expect(merged.consul?.address == "http://127.0.0.1:8500")
        #expect(merged.consul?.token == "local-secret")
        #expect(merged.consul?.configKey == "promshard/config")
        #expect(merged.http.listen == "127.0.0.1:9999")
        #expect(merged.services.map(\.name) == ["node"])
        #expect(merged.sourcePath == configPath)
        // Relative paths in the value resolve against the local file's directory.
        #expect(merged.services[0].dispatch.dest == "/etc/promshard/sd/node.json")
    }

    @Test func mergeIsPure() throws {
        let l = try local()
        let r = try ConfigLoader.parse(yaml: Self.remoteYAML, sourcePath: "/somewhere/else.yml")
        let merged = RemoteConfig.merge(local: l, remote: r)
        #expect(
            merged.stateDir == l.stateDir && merged.consul == l.consul && merged.sourcePath == l.sourcePath)
        #expect(merged.services == r.services && merged.http == r.http && merged.supervisor == r.supervisor)
        #expect(RemoteConfig.merge(local: l, remote: merged) == merged)
    }

    @Test func errorsInTheValueNameTheKeyTheLineAndTheKeyPath() throws {
        let bad = """
            services:
              - name: node
                collectors:
                  static: [127.0.0.1:9090]
                dispatch:
                  dest: sd/node.json
                  timeout: soon
            """
        let local = try local()
        do throws(ConfigErrors) {
            _ = try RemoteConfig.parse(bad, key: "promshard/config", local: local)
            Issue.record("expected the value to be rejected")
        } catch {
            let e = try #require(error.errors.first)
            #expect(e.path == "services[0].dispatch.timeout")
            #expect(e.line == 7)
            #expect(e.description.hasPrefix("consul:promshard/config:7: services[0].dispatch.timeout: "))
        }
    }

    @Test func theValueMustListServicesAndMustNotBeEmpty() throws {
        let local = try local()
        for (text, message) in [
            ("services: []\n", "must list at least one service"),
            ("", "the config is empty"),
            ("services: [\n", "invalid YAML"),
        ] {
            do throws(ConfigErrors) {
                _ = try RemoteConfig.parse(text, key: "k", local: local)
                Issue.record("expected \(text.debugDescription) to be rejected")
            } catch {
                #expect(error.errors.contains { $0.message.contains(message) }, "\(error)")
            }
        }
    }
}
