import PromshardHashingEngine
import PromshardProtocol
import Testing

@testable import PromshardPush

@Suite struct GroupingKeyTests {
    func key(_ path: String) throws -> GroupingKey {
        try GroupingKey.parse(path: path).get()
    }

    @Test func labelOrderAndBase64GiveOneKey() throws {
        let plain = try key("/metrics/job/batch/instance/a/zone/z1")
        #expect(plain == GroupingKey(job: "batch", labels: ["instance": "a", "zone": "z1"]))
        #expect(try key("/metrics/job/batch/zone/z1/instance/a") == plain)
        // "batch" = YmF0Y2g, "z1" = ejE (unpadded) or ejE= (padded)
        #expect(try key("/metrics/job@base64/YmF0Y2g/zone@base64/ejE=/instance/a") == plain)
        #expect(try key("/metrics/job@base64/YmF0Y2g/zone@base64/ejE/instance/a/") == plain)
        #expect(plain.description == #"{job="batch",instance="a",zone="z1"}"#)
    }

    @Test func base64CarriesSlashesAndEmptyValues() throws {
        // "a/b" = YS9i; "=" is the empty value.
        let k = try key("/metrics/job/j/path@base64/YS9i/empty@base64/=")
        #expect(k.labels == ["path": "a/b", "empty": ""])
        #expect(try key(k.path) == k)
    }

    @Test func percentEncodingIsDecoded() throws {
        #expect(try key("/metrics/job/my%20job").job == "my job")
    }

    @Test(arguments: [
        "/metrics/job", "/metrics/job/", "/metrics/job/j/instance", "/metrics/foo/j",
        "/metrics/job/j/job/k", "/metrics/job/j/a/1/a/2", "/metrics/job/j/1bad/x",
        "/metrics/job@base64/!!!", "/other/job/j",
    ])
    func badPathsAreRejected(path: String) {
        #expect(throws: GroupingKey.ParseError.self) { try GroupingKey.parse(path: path).get() }
    }

    @Test func roundTripThroughPath() throws {
        let k = GroupingKey(job: "x\"y", labels: ["b": "2/3", "a": "é"])
        #expect(try key(k.path) == k)
        #expect(k.description == #"{job="x\"y",a="é",b="2/3"}"#)
    }
}

@Suite struct GatewayRingTests {
    func gateways(_ names: [String], down: Set<String> = []) -> GatewaysBody {
        GatewaysBody(
            gateways: names.map { n in
                let port = Int(n.split(separator: ":")[1])!
                return CollectorState(name: n, address: "127.0.0.1", port: port, healthy: !down.contains(n))
            })
    }

    let names = ["127.0.0.1:9191", "127.0.0.1:9192", "127.0.0.1:9193"]
    var keys: [GroupingKey] {
        (0..<300).map { GroupingKey(job: "j\($0)", labels: ["instance": "i\($0 % 7)"]) }
    }

    @Test func aDeadGatewayMovesOnlyItsGroups() {
        let all = GatewayRing(gateways(names))
        let oneDown = GatewayRing(gateways(names, down: [names[1]]))
        var owned = [String: Int]()
        for k in keys {
            let before = all.owner(of: k)!.name
            owned[before, default: 0] += 1
            let after = oneDown.owner(of: k)!.name
            if before != names[1] { #expect(after == before) } else { #expect(after != names[1]) }
        }
        // Every gateway gets a fair part (300 keys, 3 gateways).
        #expect(owned.values.allSatisfy { $0 > 60 })
        // Coming back takes back exactly the same groups.
        let back = GatewayRing(gateways(names))
        #expect(keys.allSatisfy { back.owner(of: $0)?.name == all.owner(of: $0)?.name })
    }

    @Test func gatewayOrderDoesNotMatterAndNoneHealthyIsNil() {
        let a = GatewayRing(gateways(names))
        let b = GatewayRing(gateways(names.reversed()))
        #expect(keys.allSatisfy { a.owner(of: $0)?.name == b.owner(of: $0)?.name })
        #expect(GatewayRing(gateways(names, down: Set(names))).owner(of: keys[0]) == nil)
    }

    @Test func keyOwnerAgreesWithTheAssigner() {
        let nodes = names.map { HashNode(name: $0) }
        let ids = keys.map(\.description)
        let plan = RendezvousAssigner.assign(
            service: "push", targetIDs: ids, nodes: nodes, maxLoadFactor: .infinity)
        let owner = KeyOwner(namespace: "push", nodes: nodes)
        for (n, targets) in plan.targetsByNode.enumerated() {
            for t in targets { #expect(owner.owner(of: ids[t])?.name == nodes[n].name) }
        }
    }
}

@Suite struct GroupListingTests {
    @Test func groupsAreReadAndRenderedAsText() throws {
        let json = #"""
            {"status":"success","data":[{"labels":{"job":"j","instance":"a/b"},"last_push_successful":true,
            "push_time_seconds":{"type":"GAUGE","metrics":[{"labels":{"job":"j","instance":"a/b"},"value":"1.7e9"}]},
            "g":{"type":"GAUGE","help":"a gauge","metrics":[{"labels":{"job":"j","instance":"a/b","x":"1"},"value":"3"}]},
            "h":{"type":"HISTOGRAM","metrics":[{"buckets":{"+Inf":"3","1":"2"},"count":"3","sum":"4","labels":{"job":"j","instance":"a/b"}}]}}]}
            """#
        let groups = try GroupListing.parse(Array(json.utf8))
        #expect(groups.count == 1)
        #expect(groups[0].key == GroupingKey(job: "j", labels: ["instance": "a/b"]))
        #expect(
            groups[0].text == """
                # HELP g a gauge
                # TYPE g gauge
                g{instance="a/b",job="j",x="1"} 3
                # TYPE h histogram
                h_bucket{instance="a/b",job="j",le="1"} 2
                h_bucket{instance="a/b",job="j",le="+Inf"} 3
                h_sum{instance="a/b",job="j"} 4
                h_count{instance="a/b",job="j"} 3

                """)
    }

    @Test func garbageIsAnError() {
        #expect(throws: GroupListing.ParseError.self) { try GroupListing.parse(Array("nope".utf8)) }
    }
}
