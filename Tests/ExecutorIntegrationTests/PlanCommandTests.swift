import Foundation
import PromshardTestSupport
import Testing

/// `promshard plan`: the assignment a run would make, with the movement against what is
/// delivered now (`<state_dir>/assignment.json`) per collector, and why collectors are missing.
@Suite(.serialized)
struct PlanCommandTests {
    func config(_ dir: TempDir, collectors: String, targets: [String], extra: String = "") -> String {
        """
        state_dir: \(dir.file("var"))
        services:
          - name: node
            collectors:
        \(collectors)
              health_check: { path: /-/healthy, interval: 1s, timeout: 1s, fall: 1, rise: 1 }
            targets:
              static: [\(targets.joined(separator: ", "))]
            dispatch:
              executor: file
              dest: \(dir.file("sd"))/{port}.json
        \(extra)
        """
    }

    /// The saved assignment of one collector holding `targets`, as the hashing child writes it.
    func saved(_ dir: TempDir, collector port: Int, targets: [String]) throws {
        let list = targets.map { "\"\($0)\"" }.joined(separator: ",")
        try dir.write(
            "var/assignment.json",
            """
            {"v":1,"type":"assignment","from":"hashing","seq":7,"body":{"version":7,"services":[{"service":"node",\
            "collectors":[{"name":"127.0.0.1:\(port)","address":"127.0.0.1","port":\(port),"targetCount":\(targets.count),\
            "groups":[{"targets":[\(list)],"labels":{}}]}],"targetCount":\(targets.count),"replicas":1,"moved":0,\
            "idealMoved":0,"warnings":[]}]}}

            """)
    }

    func plan(_ dir: TempDir) throws -> [String: Any] {
        let result = try CLI.promshard(["plan", "--counts-only", "--config", dir.file("promshard.yaml")])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout)")
    }

    @Test func showsPerCollectorMovementAgainstWhatIsDelivered() throws {
        let dir = try TempDir("promshard-plan")
        let a = try TinyHTTPServer()
        let b = try TinyHTTPServer()
        defer {
            a.stop()
            b.stop()
            dir.remove()
        }
        let targets = (1...40).map { "10.0.0.\($0):9100" }
        try dir.write(
            "promshard.yaml",
            config(
                dir, collectors: "      static: [127.0.0.1:\(a.port), 127.0.0.1:\(b.port)]", targets: targets)
        )

        // Nothing delivered yet: every target is new.
        var output = try plan(dir)
        #expect((output["delivered"] as? String)?.hasPrefix("none under") == true)

        // Everything is on a; b joins: half of the targets move to b, nothing else moves.
        try saved(dir, collector: a.port, targets: targets)
        output = try plan(dir)
        #expect((output["delivered"] as? String)?.hasPrefix("version 7 from") == true, "\(output)")
        let service = try #require((output["services"] as? [[String: Any]])?.first)
        #expect(service["moved"] as? Int == 20)
        let movement = try #require(service["movement"] as? [[String: Any]])
        let changes = Dictionary(
            uniqueKeysWithValues: movement.map { ($0["collector"] as! String, $0["change"] as! String) })
        #expect(changes == ["127.0.0.1:\(a.port)": "+0/-20", "127.0.0.1:\(b.port)": "+20/-0"], "\(movement)")
    }

    @Test func reportsWhyCollectorsAreMissing() throws {
        let dir = try TempDir("promshard-plan")
        // A "Consul" that answers 200 with no JSON at all.
        let consul = try TinyHTTPServer()
        defer {
            consul.stop()
            dir.remove()
        }
        try dir.write(
            "promshard.yaml",
            config(
                dir, collectors: "      consul_service: prom", targets: ["10.0.0.1:9100"],
                extra: "consul: { address: \"http://127.0.0.1:\(consul.port)\" }"))
        let output = try plan(dir)
        let service = try #require((output["services"] as? [[String: Any]])?.first)
        let errors = service["collector_errors"] as? [String] ?? []
        #expect(!errors.isEmpty, "\(output)")
        #expect((service["note"] as? String)?.contains("no healthy collector: ") == true, "\(output)")
        #expect((output["source_errors"] as? [String] ?? []).contains { $0.hasPrefix("node: ") }, "\(output)")
    }
}
