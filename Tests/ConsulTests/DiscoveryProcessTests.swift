import ConsulSimulator
import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One `promshard run` discovering its collectors from the simulated Consul.
@Suite(.serialized) struct DiscoveryProcessTests {
    @Test func collectorsFollowConsulAndSurviveConsulBeingDownOrRestarting() async throws {
        try await withConsulFleet { sim, fleet in
            let ports = Set(fleet.collectors.map(\.port))
            await sim.removeService(id: "prom-2")
            try fleet.start("solo", fileExecutor: true, election: false)
            let two = Set(ports.filter { $0 != fleet.collectors[2].port })
            #expect(
                await eventually(timeout: .seconds(20)) { fleet.settled("solo", on: two) },
                "logs:\n\(fleet.logs())"
            )

            // Appears in Consul → gets a share.
            await sim.setService(id: "prom-2", name: "prom", port: fleet.collectors[2].port, node: "node2")
            #expect(
                await eventually(timeout: .seconds(10)) { fleet.settled("solo", on: ports) },
                "logs:\n\(fleet.logs())")

            // Critical in Consul → its share moves (even though it answers its probe).
            await sim.setStatus(id: "prom-0", status: "critical")
            let without0 = ports.subtracting([fleet.collectors[0].port])
            #expect(await eventually(timeout: .seconds(10)) { fleet.settled("solo", on: without0) })
            await sim.setStatus(id: "prom-0", status: "passing")
            #expect(await eventually(timeout: .seconds(10)) { fleet.settled("solo", on: ports) })

            // Consul down for a while: the last known collectors are kept, nothing moves.
            let before = fleet.delivered("solo")
            await sim.stop()
            try await Task.sleep(for: .seconds(4))
            #expect(fleet.delivered("solo") == before, "targets moved while Consul was down")
            let log = fleet.logs()
            #expect(log.contains("consul query failing, keeping the last known instances"))

            // Consul back after a restart that reset its index: same instances, nothing moves;
            // then changes are followed again.
            await sim.reset(index: 1)
            for (i, c) in fleet.collectors.enumerated() {
                await sim.setService(id: "prom-\(i)", name: "prom", port: c.port, node: "node\(i)")
            }
            try await sim.start()
            try await Task.sleep(for: .seconds(2))
            #expect(fleet.delivered("solo") == before, "targets moved after the Consul restart")
            await sim.removeService(id: "prom-1")
            let without1 = ports.subtracting([fleet.collectors[1].port])
            #expect(
                await eventually(timeout: .seconds(10)) { fleet.settled("solo", on: without1) },
                "logs:\n\(fleet.logs())")

            // Zero passing collectors: the last assignment is kept.
            let kept = fleet.delivered("solo")
            // All at once: one after another would be a real, smaller fleet in between.
            await sim.setStatuses(ids: (0..<3).map { "prom-\($0)" }, status: "critical")
            try await Task.sleep(for: .seconds(3))
            #expect(fleet.delivered("solo") == kept, "zero passing collectors must keep the last assignment")
        }
    }

    @Test func targetsFromConsulServicesAndRegistrationOfStaticCollectors() async throws {
        try await withConsulFleet { sim, fleet in
            await sim.setService(
                id: "web-1", name: "web", address: "10.5.0.1", port: 8080, tags: ["prod"],
                meta: ["team": "ops"])
            await sim.setService(id: "web-2", name: "web", address: "10.5.0.2", port: 8080, tags: ["canary"])
            await sim.setService(
                id: "web-3", name: "web", address: "10.5.0.3", port: 8080, tags: ["prod"], status: "critical")
            try fleet.start("solo", fileExecutor: true, election: false)
            // Rewrite the config: static collectors registered in Consul, targets from Consul.
            let dir = try #require(fleet.dirs["solo"])
            fleet.instances["solo"]?.kill9()
            let statics = fleet.collectors.map { "127.0.0.1:\($0.port)" }.joined(separator: ", ")
            var text = fleet.config(instance: "solo", dir: dir, executor: "file", election: false)
            text = text.replacingOccurrences(of: "consul_service: prom", with: "static: [\(statics)]")
            text = text.replacingOccurrences(
                of: "files: [\(fleet.shared.file("targets"))/*.json]",
                with: "consul_services: [web]\n      consul_tag: prod")
            text = text.replacingOccurrences(
                of: "wait: 30s", with: "wait: 30s, register_collectors: true, register_self: true")
            try dir.write("promshard.yaml", text)
            fleet.instances["solo"] = try TestProcess(
                try Binaries.path("promshard"), ["run", "--config", dir.file("promshard.yaml")],
                log: dir.file("second.log"))
            let got = await eventually(timeout: .seconds(20)) {
                fleet.delivered("solo").values.reduce(Set<String>()) { $0.union($1) } == ["10.5.0.1:8080"]
            }
            #expect(got, "logs:\n\(fleet.logs())")
            let files = fleet.collectors.compactMap { dir.read("out/\($0.port).json") }.joined()
            #expect(files.contains("\"__meta_consul_service\": \"web\""))
            #expect(files.contains("\"__meta_consul_service_metadata_team\": \"ops\""))
            #expect(files.contains("\"__meta_consul_tags\": \",prod,\""))
            var regs = await sim.registrations()
            for _ in 0..<100 {
                if fleet.collectors.allSatisfy({ regs["node_127.0.0.1_\($0.port)"] != nil })
                    && regs["promshard_solo"] != nil
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
                regs = await sim.registrations()
            }
            let c0 = fleet.collectors[0].port
            #expect(regs["node_127.0.0.1_\(c0)"]?.check?.HTTP == "http://127.0.0.1:\(c0)/-/healthy")
            #expect(regs["node_127.0.0.1_\(c0)"]?.name == "node")
        }
    }
}
