import Foundation
import PromshardDiscovery
import PromshardProtocol
import Testing

struct FileSDTests {
    @Test func parsesJSONWithLabels() throws {
        let groups = try FileSD.parse(
            Array(#"[{"targets":["a:1","b:2"],"labels":{"env":"prod"}},{"targets":["c:3"]}]"#.utf8),
            yaml: false)
        #expect(
            groups == [
                TargetGroup(targets: ["a:1", "b:2"], labels: ["env": "prod"]), TargetGroup(targets: ["c:3"]),
            ])
    }

    @Test func parsesYAML() throws {
        let yaml = """
            - targets: [a:1, "b:2"]
              labels:
                env: prod
            - targets:
                - c:3
            """
        let groups = try FileSD.parse(Array(yaml.utf8), yaml: true)
        #expect(
            groups == [
                TargetGroup(targets: ["a:1", "b:2"], labels: ["env": "prod"]), TargetGroup(targets: ["c:3"]),
            ])
    }

    @Test(arguments: [
        ("{\"targets\": []}", "list of target groups"),
        ("[{\"labels\": {}}]", "targets"),
        ("[{\"targets\": [1]}]", "targets[0]"),
        ("[{\"targets\": [\"a\"], \"labels\": {\"1bad\": \"x\"}}]", "invalid label name"),
        ("[{\"targets\": [\"a\"], \"labels\": {\"n\": 3}}]", "strings"),
        ("[{\"targets\": [\"a\"], \"extra\": 1}]", "unknown key"),
        ("[{\"targets\": [\"a\"]", "invalid JSON"),
    ])
    func rejectsMalformedDocuments(json: String, mention: String) {
        do {
            _ = try FileSD.parse(Array(json.utf8), yaml: false)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.message.contains(mention), "\(error.message)")
        }
    }

    @Test func malformedYAMLIsReportedWithItsLine() {
        do {
            _ = try FileSD.parse(Array("- targets: [a:1\n- x".utf8), yaml: true)
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.message.contains("line"))
        }
    }
}

struct TargetFilesTests {
    @Test func keepsTheLastGoodContentOfAFileThatTurnsMalformed() throws {
        let dir = NSTemporaryDirectory() + "/promshard-tf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"[{"targets":["a:1"]}]"#.write(toFile: "\(dir)/one.json", atomically: true, encoding: .utf8)
        try "- targets: [b:1]\n".write(toFile: "\(dir)/two.yml", atomically: true, encoding: .utf8)
        var files = TargetFiles()
        var (groups, errors) = files.refresh(patterns: ["\(dir)/*.json", "\(dir)/*.yml"], service: "s")
        #expect(groups.flatMap(\.targets) == ["a:1", "b:1"])
        #expect(errors.isEmpty)

        try #"[{"targets":["a:1", "#.write(toFile: "\(dir)/one.json", atomically: true, encoding: .utf8)
        (groups, errors) = files.refresh(patterns: ["\(dir)/*.json", "\(dir)/*.yml"], service: "s")
        #expect(groups.flatMap(\.targets) == ["a:1", "b:1"], "last good content kept")
        #expect(errors.count == 1)
        #expect(errors.first?.source == "\(dir)/one.json")
        #expect(errors.first?.message.contains("keeping its last good content") == true)

        try #"[{"targets":["z:1"]}]"#.write(toFile: "\(dir)/one.json", atomically: true, encoding: .utf8)
        (groups, errors) = files.refresh(patterns: ["\(dir)/*.json", "\(dir)/*.yml"], service: "s")
        #expect(groups.flatMap(\.targets) == ["z:1", "b:1"])
        #expect(errors.isEmpty)

        try FileManager.default.removeItem(atPath: "\(dir)/two.yml")
        (groups, _) = files.refresh(patterns: ["\(dir)/*.json", "\(dir)/*.yml"], service: "s")
        #expect(groups.flatMap(\.targets) == ["z:1"], "a deleted file stops contributing")
    }

    @Test func aNewMalformedFileIsReportedAndContributesNothing() throws {
        let dir = NSTemporaryDirectory() + "/promshard-tf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "garbage".write(toFile: "\(dir)/bad.json", atomically: true, encoding: .utf8)
        var files = TargetFiles()
        let (groups, errors) = files.refresh(patterns: ["\(dir)/*.json"], service: "s")
        #expect(groups.isEmpty)
        #expect(errors.first?.message.contains("no earlier content") == true)
    }
}

struct HealthTrackerTests {
    @Test func theFirstProbeDecides() {
        var up = HealthTracker()
        up.record(success: true, fall: 3, rise: 3)
        #expect(up.healthy)
        var down = HealthTracker()
        down.record(success: false, error: "refused", fall: 3, rise: 3)
        #expect(!down.healthy)
        #expect(down.lastError == "refused")
    }

    @Test func fallsAfterFallFailuresAndRisesAfterRiseSuccesses() {
        var t = HealthTracker()
        t.record(success: true, fall: 2, rise: 3)
        #expect(t.record(success: false, fall: 2, rise: 3) == false)
        #expect(t.healthy)
        #expect(t.record(success: false, fall: 2, rise: 3) == true)
        #expect(!t.healthy)
        t.record(success: true, fall: 2, rise: 3)
        t.record(success: true, fall: 2, rise: 3)
        #expect(!t.healthy)
        t.record(success: true, fall: 2, rise: 3)
        #expect(t.healthy)
    }

    @Test func aSuccessResetsTheFailureCount() {
        var t = HealthTracker()
        t.record(success: true, fall: 2, rise: 1)
        t.record(success: false, fall: 2, rise: 1)
        t.record(success: true, fall: 2, rise: 1)
        t.record(success: false, fall: 2, rise: 1)
        #expect(t.healthy)
    }

    @Test func probeURLs() {
        #expect(
            Probe.url(address: "10.0.0.1", port: 9090, path: "/-/healthy") == "http://10.0.0.1:9090/-/healthy"
        )
        #expect(Probe.url(address: "::1", port: 9090, path: "-/ready") == "http://[::1]:9090/-/ready")
    }
}
