import Foundation
import PromshardConfig
import Testing

@Suite("Config loader: errors name the key path and line")
struct ConfigErrorTests {
    @Test func unknownKeySuggestsTheClosestKey() throws {
        let yaml = """
            services:
              - name: node
                collectors:
                  static: [127.0.0.1:9090]
                dispatch:
                  dest: /x.json
                  timout: 5s
                  reloadUrl: http://x/
                  frobnicate: 1
            """
        let e1 = try #require(
            expectError(yaml, path: "services[0].dispatch.timout", line: 7, "unknown key \"timout\""))
        #expect(e1.message.contains("did you mean \"timeout\"?"))
        let e2 = try #require(
            expectError(yaml, path: "services[0].dispatch.reloadUrl", line: 8, "unknown key"))
        #expect(e2.message.contains("did you mean \"reload_url\"?"))
        let e3 = try #require(
            expectError(yaml, path: "services[0].dispatch.frobnicate", line: 9, "unknown key"))
        #expect(e3.message.contains("known keys: executor, dest"))
        expectError("servces: []\n" + minimalService, path: "servces", line: 1, "did you mean \"services\"?")
    }

    @Test func wrongTypes() {
        let yaml = """
            http: [127.0.0.1:9292]
            services:
              - name: [a]
                collectors:
                  static: 127.0.0.1:9090
                  health_check: {fall: "2", interval: 5s}
                hashing: {replicas: 1.5, max_load_factor: fast}
                dispatch:
                  dest: {path: /x}
                  concurrency: true
                  params: [a, b]
            """
        expectError(yaml, path: "http", line: 1, "expected a mapping, got a sequence")
        expectError(yaml, path: "services[0].name", line: 3, "expected a string, got a sequence")
        expectError(yaml, path: "services[0].collectors.static", line: 5, "expected a sequence, got a string")
        expectError(
            yaml, path: "services[0].collectors.health_check.fall", line: 6,
            "expected an integer, got a string")
        expectError(yaml, path: "services[0].hashing.replicas", line: 7, "expected an integer, got a number")
        expectError(
            yaml, path: "services[0].hashing.max_load_factor", line: 7, "expected a number, got a string")
        expectError(yaml, path: "services[0].dispatch.dest", line: 9, "expected a string, got a mapping")
        expectError(
            yaml, path: "services[0].dispatch.concurrency", line: 10, "expected an integer, got a boolean")
        expectError(yaml, path: "services[0].dispatch.params", line: 11, "expected a mapping, got a sequence")
    }

    @Test func missingRequiredKeys() {
        let yaml = """
            state_dir: ./var
            services:
              - collectors:
                  static: [127.0.0.1:9090]
              - name: web
                dispatch: {}
            zabbix: {key: x}
            """
        expectError(yaml, path: "services[0].name", line: 3, "missing required key \"name\"")
        expectError(yaml, path: "services[0].dispatch", line: 3, "missing required key \"dispatch\"")
        expectError(yaml, path: "services[1].collectors", line: 5, "missing required key \"collectors\"")
        expectError(yaml, path: "services[1].dispatch.dest", line: 6, "missing required key \"dest\"")
        expectError(yaml, path: "zabbix.server", line: 7, "missing required key \"server\"")
        expectError(yaml, path: "zabbix.host", line: 7, "missing required key \"host\"")
        expectError("state_dir: ./var\n", path: "services", line: 1, "missing required key \"services\"")
    }

    @Test func duplicateServiceNamesSayWhereTheFirstWas() {
        let yaml = """
            services:
              - name: node
                collectors: {static: [127.0.0.1:9090]}
                dispatch: {dest: /a.json}
              - name: node
                collectors: {static: [127.0.0.1:9091]}
                dispatch: {dest: /b.json}
            """
        expectError(
            yaml, path: "services[1].name", line: 5,
            "duplicate service name \"node\" (first defined on line 2)")
        // Still detected when the first service has other errors.
        let broken = """
            services:
              - name: node
                dispatch: {dest: /a.json}
              - name: node
                collectors: {static: [127.0.0.1:9091]}
                dispatch: {dest: /b.json}
            """
        expectError(broken, path: "services[0].collectors", line: 2, "missing required key")
        expectError(
            broken, path: "services[1].name", line: 4,
            "duplicate service name \"node\" (first defined on line 2)")
    }

    @Test func duplicateMappingKeys() {
        let yaml = """
            services:
              - name: node
                collectors: {static: [127.0.0.1:9090]}
                dispatch: {dest: /a.json}
                name: other
            http: {listen: 127.0.0.1:1}
            http: {listen: 127.0.0.1:2}
            """
        expectError(yaml, path: "services[0].name", line: 5, "duplicate key \"name\" (first on line 2)")
        expectError(yaml, path: "http", line: 7, "duplicate key \"http\" (first on line 6)")
        let labels = minimalService + "\n    targets: {labels: {env: a, env: b}}\n"
        expectError(labels, path: "services[0].targets.labels.env", line: 7, "duplicate key \"env\"")
    }

    @Test func unparseableYAMLHasLineAndColumn() throws {
        let yaml = """
            services:
              - name: node
                collectors: {static: [127.0.0.1:9090
                dispatch: {dest: /a.json}
            """
        let errors = configErrors(yaml)
        #expect(errors.count == 1)
        let e = try #require(errors.first)
        #expect(e.path == "")
        #expect(e.line == 4)
        #expect(e.message.hasPrefix("invalid YAML (column "))
        #expect(e.description.hasPrefix("\(configPath):4: invalid YAML (column "))

        let tab = configErrors("services:\n\t- name: x\n")
        #expect(tab.first?.line == 2)
        #expect(tab.first?.message.contains("invalid YAML") == true)
    }

    @Test func unquotedPlaceholderInAFlowMappingGetsAQuotingHint() throws {
        let yaml = """
            services:
              - name: node
                collectors: { static: [127.0.0.1:9090] }
                dispatch: { executor: file, dest: out/{port}.json }
            """
        let e = try #require(expectError(yaml, path: "", line: 4, "invalid YAML"))
        #expect(e.message.contains("did not find expected ',' or '}'"))
        #expect(e.message.contains("hint: YAML reads {port} as the start of a mapping"))
        #expect(e.message.contains("quote the value on line 4: dest: \"out/{port}.json\""))

        // A flow mapping over several lines: the hint names the line of the value.
        let multiline = """
            services:
              - name: node
                collectors: { static: [127.0.0.1:9090] }
                dispatch: {
                  executor: file,
                  dest: /etc/sd/{address}_{port}.json
                }
            """
        let m = try #require(expectError(multiline, path: "", line: 6, "invalid YAML"))
        #expect(m.message.contains("quote the value on line 6: dest: \"/etc/sd/{address}_{port}.json\""))

        // Quoted placeholders are fine; another syntax error gets no hint.
        let quoted = """
            services:
              - name: node
                dispatch: { dest: "out/{port}.json", reload_url: 'http://{address}:{port}/', executor: [file }
            """
        let q = try #require(expectError(quoted, path: "", line: 3, "invalid YAML"))
        #expect(!q.message.contains("hint"))
    }

    @Test func tabIndentationSaysSo() throws {
        let start = try #require(expectError("services:\n\t- name: x\n", path: "", line: 2, "invalid YAML"))
        #expect(
            start.message
                == "invalid YAML (column 1): tabs are not allowed for indentation; indent with spaces")

        let deeper = "state_dir: ./var\nhttp:\n    listen: 127.0.0.1:9292\n  \tfoo: b\n" + minimalService
        expectError(
            deeper, path: "", line: 4, "invalid YAML (column 3): tabs are not allowed for indentation")

        let afterDash = "services:\n  - name: x\n  -\tname: y\n"
        expectError(afterDash, path: "", line: 3, "tabs are not allowed for indentation")

        // Any other syntax error keeps libyaml's message.
        let other = try #require(expectError("services: [a, b\n", path: "", line: 2, "invalid YAML"))
        #expect(!other.message.contains("tabs"))
    }

    @Test func invalidDurations() {
        let yaml = """
            supervisor: {stop_grace: soon}
            services:
              - name: node
                collectors:
                  static: [127.0.0.1:9090]
                  health_check: {interval: 10, timeout: 0s}
                targets: {refresh_interval: -5s}
                dispatch: {dest: /a.json, timeout: 1.5s, kill_grace: [1s]}
            """
        expectError(yaml, path: "supervisor.stop_grace", line: 1, "invalid duration \"soon\"")
        expectError(
            yaml, path: "services[0].collectors.health_check.interval", line: 6,
            "invalid duration \"10\": missing unit (e.g. 10s)")
        expectError(
            yaml, path: "services[0].collectors.health_check.timeout", line: 6, "must be greater than 0s")
        expectError(yaml, path: "services[0].targets.refresh_interval", line: 7, "invalid duration \"-5s\"")
        expectError(yaml, path: "services[0].dispatch.timeout", line: 8, "invalid duration \"1.5s\"")
        expectError(yaml, path: "services[0].dispatch.kill_grace", line: 8, "expected a duration such as 10s")
    }

    @Test func childTimeoutBelowOneSecondIsRejected() {
        let yaml = """
            supervisor:
              child_timeout: 500ms
            services:
              - name: node
                collectors: {static: [127.0.0.1:9090]}
                dispatch: {dest: /a.json}
            """
        expectError(yaml, path: "supervisor.child_timeout", line: 2, "must be at least 1s")
        expectError(
            "supervisor: {child_timeout: 0s}\nservices: []\n", path: "supervisor.child_timeout", line: 1,
            "must be greater than 0s")
    }

    @Test func outOfRangeNumbers() {
        let yaml = """
            supervisor: {max_restarts: 0}
            services:
              - name: node
                collectors:
                  static: [{address: 127.0.0.1:9090, weight: 0}, {address: 127.0.0.1:9091, weight: -1}]
                  health_check: {fall: 0, rise: -1}
                hashing: {replicas: 0, max_load_factor: 1}
                dispatch: {dest: /a.json, concurrency: 0}
            """
        expectError(yaml, path: "supervisor.max_restarts", line: 1, "must be at least 1, got 0")
        expectError(yaml, path: "services[0].collectors.static[0].weight", line: 5, "must be greater than 0")
        expectError(yaml, path: "services[0].collectors.static[1].weight", line: 5, "must be greater than 0")
        expectError(
            yaml, path: "services[0].collectors.health_check.fall", line: 6, "must be at least 1, got 0")
        expectError(
            yaml, path: "services[0].collectors.health_check.rise", line: 6, "must be at least 1, got -1")
        expectError(yaml, path: "services[0].hashing.replicas", line: 7, "must be at least 1, got 0")
        expectError(yaml, path: "services[0].hashing.max_load_factor", line: 7, "must be greater than 1")
        expectError(yaml, path: "services[0].dispatch.concurrency", line: 8, "must be at least 1, got 0")
        #expect(configErrors(yaml).count == 8)
    }

    @Test func invalidHostPort() {
        let yaml = """
            http: {listen: "127.0.0.1"}
            services:
              - name: node
                collectors:
                  static:
                    - 127.0.0.1:0
                    - 127.0.0.1:65536
                    - http://127.0.0.1:9090
                    - ::1:9090
                    - host:port
                    - {address: ":9090"}
                targets: {static: [10.0.0.1:99999, "bad host:1", 10.0.0.2]}
                dispatch: {dest: /a.json}
            zabbix: {server: [zbx:0], host: h}
            """
        expectError(yaml, path: "http.listen", line: 1, "missing port")
        expectError(yaml, path: "services[0].collectors.static[0]", line: 6, "from 1 to 65535")
        expectError(yaml, path: "services[0].collectors.static[1]", line: 7, "from 1 to 65535")
        expectError(yaml, path: "services[0].collectors.static[2]", line: 8, "without a scheme")
        expectError(yaml, path: "services[0].collectors.static[3]", line: 9, "[addr]:port")
        expectError(yaml, path: "services[0].collectors.static[4]", line: 10, "from 1 to 65535")
        expectError(yaml, path: "services[0].collectors.static[5].address", line: 11, "expected host:port")
        expectError(yaml, path: "services[0].targets.static[0]", line: 12, "from 1 to 65535")
        expectError(yaml, path: "services[0].targets.static[1]", line: 12, "expected host:port")
        expectError(yaml, path: "zabbix.server[0]", line: 14, "from 1 to 65535")
        // A target without a port is allowed (Prometheus adds the scheme's default).
        #expect(!configErrors(yaml).contains { $0.path == "services[0].targets.static[2]" })
    }

    @Test func duplicateCollectors() {
        let yaml = """
            services:
              - name: node
                collectors:
                  static:
                    - 127.0.0.1:9090
                    - {address: 127.0.0.1:9090, weight: 2}
                dispatch: {dest: /a.json}
            """
        expectError(
            yaml, path: "services[0].collectors.static[1]", line: 6,
            "duplicate collector \"127.0.0.1:9090\" (first on line 5)")
    }

    @Test func emptyServices() {
        expectError("services: []\n", path: "services", line: 1, "must list at least one service")
        expectError("services:\n", path: "services", line: 1, "missing required key \"services\"")
    }

    @Test func serviceWithoutCollectorsSource() {
        let yaml = """
            services:
              - name: node
                collectors:
                  static: []
                  health_check: {fall: 3}
                dispatch: {dest: /a.json}
              - name: web
                collectors: {consul_service: web}
                dispatch: {dest: /b.json}
            """
        let errors = configErrors(yaml)
        #expect(errors.count == 1)
        expectError(
            yaml, path: "services[0].collectors", line: 3,
            "no collectors: set collectors.static and/or collectors.consul_service")
    }

    @Test func invalidReloadURL() {
        let yaml = minimalService.replacingOccurrences(
            of: "dest: sd/node.json", with: "dest: sd/node.json\n      reload_url: ftp://{address}/-/reload")
        expectError(
            yaml, path: "services[0].dispatch.reload_url", line: 7, "must start with http:// or https://")
        let placeholder = minimalService.replacingOccurrences(
            of: "dest: sd/node.json", with: "dest: sd/{host}.json\n      reload_url: http://{addr}:{port}/")
        expectError(placeholder, path: "services[0].dispatch.dest", line: 6, "unknown placeholder {host}")
        expectError(
            placeholder, path: "services[0].dispatch.reload_url", line: 7, "unknown placeholder {addr}")
        expectError(
            minimalService + "\nconsul: {address: consul:8500}", path: "consul.address", line: 7,
            "must start with http:// or https://")
    }

    @Test func emptyExecutor() {
        let yaml = minimalService.replacingOccurrences(
            of: "dest: sd/node.json", with: "dest: sd/node.json\n      executor: \"\"")
        expectError(yaml, path: "services[0].dispatch.executor", line: 7, "must not be empty")
        let null = minimalService.replacingOccurrences(
            of: "dest: sd/node.json", with: "dest: sd/node.json\n      executor:")
        expectError(null, path: "services[0].dispatch.executor", line: 7, "must not be empty")
    }

    @Test func otherValidation() {
        let yaml = """
            state_dir: ""
            services:
              - name: "no spaces please"
                collectors:
                  static: [127.0.0.1:9090]
                  health_check: {path: healthy}
                targets: {labels: {"bad-label": x, ok: [1], "a b": y}}
                dispatch: {dest: /a.json}
            supervisor: {backoff_initial: 10s, backoff_max: 5s}
            """
        expectError(yaml, path: "state_dir", line: 1, "must not be empty")
        expectError(yaml, path: "services[0].name", line: 3, "invalid service name")
        expectError(yaml, path: "services[0].collectors.health_check.path", line: 6, "starting with '/'")
        expectError(yaml, path: "services[0].targets.labels.bad-label", line: 7, "invalid label name")
        expectError(yaml, path: "services[0].targets.labels.ok", line: 7, "expected a string, got a sequence")
        expectError(yaml, path: "services[0].targets.labels[\"a b\"]", line: 7, "invalid label name \"a b\"")
        expectError(yaml, path: "supervisor.backoff_max", line: 9, "must not be less than backoff_initial")
    }

    @Test func topLevelMustBeAMapping() {
        expectError("- a\n- b\n", path: "", line: 1, "expected a mapping at the top level")
        expectError("hello\n", path: "", line: 1, "got a string")
        expectError("", path: "", line: 1, "the config is empty")
        expectError("# nothing\n", path: "", line: 1, "the config is empty")
    }

    @Test func allErrorsAreCollectedInLineOrder() {
        let yaml = """
            bogus: 1
            services:
              - name: a
                collectors: {static: [127.0.0.1:0]}
                dispatch: {dest: /a.json, timeout: x}
              - name: a
                collectors: {static: [127.0.0.1:9090]}
                dispatch: {dest: /b.json}
            consul: {address: nope}
            """
        let errors = configErrors(yaml)
        #expect(errors.map(\.line) == [1, 4, 5, 6, 9])
        #expect(
            errors.map(\.path) == [
                "bogus", "services[0].collectors.static[0]", "services[0].dispatch.timeout",
                "services[1].name",
                "consul.address",
            ])
        let text = ConfigErrors(errors).description
        #expect(text.split(separator: "\n").count == 5)
        #expect(text.hasPrefix("\(configPath):1: bogus: unknown key \"bogus\""))
    }

    @Test func tokenNeverAppearsInMessages() {
        let token = "tok-SECRET-1234"
        let inputs = [
            "consul: {address: nope, token: \(token), tokn: \(token)}\n",
            "consul: {token: [\(token)]}\n",
            "consul: {token: {\(token): 1}}\n",
            "consul: {token: \(token), token: \(token)}\n",
            "consul: {token: \"\(token)\"\n",
            "consul: {token: \(token)}\nservices: [\n",
            "consul:\n  token: \(token)\n  token: other\n",
        ]
        for input in inputs {
            let errors = configErrors(input)
            #expect(!errors.isEmpty)
            for e in errors {
                #expect(!e.description.contains(token), "token leaked: \(e)")
            }
        }
    }

    @Test func garbageNeverCrashesAndAlwaysErrors() {
        var inputs = [
            "[", "]", "{", "}", ": :", ":", "- - -", "\t", "\t\tservices:\n", "services:\n\t- a",
            "---\n---\n",
            "&a [*a]", "*a", "!!binary AAAA", "!<tag:x> {", "? [a]\n: b", "? {a: 1}\n: b\nservices: []",
            "\"unterminated", "'", "a: 'b", "|\n  text", ">", "services: [[[[]]]]", "services: {a: 1}",
            "services: [1, 2, 3]", "services: [~]", "services: [{}]", "services: [{name: ~}]",
            "services: [{name: x, collectors: ~, dispatch: ~}]", "services: !!str x", "42", "true", "~",
            "null",
            "- 1\n- 2", "%YAML 1.1\n%YAML 1.1\n---\na", "%TAG ! x\n", "a: b: c", "a:\n  - b\n  c: d",
            "\u{FEFF}services: []", "\u{0}", "\u{7}\u{8}\u{1B}", "ÿþ", "\u{FFFD}\u{FFFD}: \u{FFFD}",
            String(repeating: "- ", count: 5000), String(repeating: "{a: ", count: 1000),
            String(repeating: "a", count: 100_000),
            "services:\n" + String(repeating: "  - name: x\n", count: 500),
        ]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("abc:-[]{}#&*!|>'\"\\ \t\n,?%@`~019.")
        for _ in 0..<200 {
            var s = ""
            for _ in 0..<40 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                s.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            inputs.append(s)
        }
        for input in inputs {
            do {
                _ = try ConfigLoader.parse(yaml: input, sourcePath: configPath)
                Issue.record("accepted garbage: \(input.prefix(60).debugDescription)")
            } catch {
                #expect(!error.errors.isEmpty)
                #expect(error.errors.allSatisfy { !$0.message.isEmpty })
            }
            _ = try? YAML.parse(input)
            _ = try? YAML.parse(input)?.toJSONValue()
        }
        for bytes: [UInt8] in [
            [0xFF], [0xC3, 0x28], [0xE2, 0x82], [0x00, 0x00, 0xFE, 0xFF], [0xFE, 0xFF, 0x00],
        ] {
            _ = try? YAML.parse(bytes: bytes)
        }
    }
}
