import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `promshard` binary as an operator runs it: real processes,
/// real signals, fake collectors on loopback, the real file executor.
@Suite(.serialized)
struct SupervisorProcessTests {
    static let roles = ["discovery", "hashing", "dispatch", "health"]

    /// Starts a fleet and waits until the three collectors share the targets.
    func started(_ fleet: Fleet) async throws -> Int32 {
        try fleet.start()
        let pid = try #require(fleet.daemon?.pid)
        let ports = fleet.collectors.map(\.port)
        let converged = await eventually(timeout: .seconds(20)) { fleet.covered(by: ports) }
        #expect(converged, "never converged; log:\n\(fleet.daemon?.log ?? "")")
        return pid
    }

    @Test func killingEachChildRestartsItAndConvergesToTheSameAssignment() async throws {
        try await Fleet.with { fleet in
            let supervisor = try await started(fleet)
            let before = fleet.delivered()
            for role in Self.roles {
                let old = try #require(ProcessTable.child(role, of: supervisor), "no \(role) child")
                kill(old, SIGKILL)
                let restarted = await eventually(timeout: .seconds(10)) {
                    if let pid = ProcessTable.child(role, of: supervisor) { return pid != old }
                    return false
                }
                #expect(restarted, "\(role) was not restarted")
                try await Task.sleep(for: .seconds(1))
                #expect(fleet.delivered() == before, "assignment changed after restarting \(role)")
                #expect(fleet.daemon?.isRunning == true)
            }
            // The restarted children still work together: a dead collector's share moves.
            let dead = fleet.collectors[0]
            dead.stop()
            let survivors = fleet.collectors.dropFirst().map(\.port)
            let moved = await eventually(timeout: .seconds(10)) { fleet.covered(by: Array(survivors)) }
            #expect(moved, "survivors did not take over; log:\n\(fleet.daemon?.log ?? "")")
            #expect(fleet.daemon?.log.contains("child exited, restarting") == true)
        }
    }

    @Test func aRestartStormStopsEverythingWithANonZeroExit() async throws {
        try await Fleet.with(supervisor: ", max_restarts: 3, restart_window: 60s") { fleet in
            let supervisor = try await started(fleet)
            // Every child, replacements included, must be gone at the end: the exited
            // supervisor has no children by definition, so collect their pids first.
            var seen = Set(ProcessTable.children(of: supervisor).map(\.pid))
            var kills = 0
            while fleet.daemon?.isRunning == true && kills < 10 {
                seen.formUnion(ProcessTable.children(of: supervisor).map(\.pid))
                if let pid = ProcessTable.child("hashing", of: supervisor) {
                    kill(pid, SIGKILL)
                    kills += 1
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let status = await fleet.daemon?.wait(timeout: .seconds(10))
            #expect(
                status != nil && status != 0,
                "supervisor should give up non-zero, got \(String(describing: status))")
            #expect(kills <= 5, "gave up only after \(kills) kills")
            #expect(seen.count >= 4)
            let left = seen.filter(ProcessTable.alive)
            #expect(left.isEmpty, "children left after the restart storm: \(left)")
            #expect(fleet.daemon?.log.contains("restart storm") == true)
        }
    }

    @Test func killingTheSupervisorLeavesNoChildBehind() async throws {
        try await Fleet.with { fleet in
            let supervisor = try await started(fleet)
            let children = ProcessTable.children(of: supervisor).map(\.pid)
            #expect(children.count == 4)
            kill(supervisor, SIGKILL)
            let gone = await eventually(timeout: .seconds(2), every: .milliseconds(50)) {
                children.allSatisfy { !ProcessTable.alive($0) }
            }
            #expect(
                gone,
                "children still alive 2s after the supervisor died: \(children.filter(ProcessTable.alive))")
        }
    }

    @Test func sigtermStopsEveryChildAndExitsZero() async throws {
        try await Fleet.with { fleet in
            let supervisor = try await started(fleet)
            let children = ProcessTable.children(of: supervisor).map(\.pid)
            fleet.daemon?.signal(SIGTERM)
            let status = await fleet.daemon?.wait(timeout: .seconds(8))
            #expect(status == 0)
            #expect(children.allSatisfy { !ProcessTable.alive($0) })
        }
    }

    @Test func sighupWithABrokenConfigKeepsTheRunningOne() async throws {
        try await Fleet.with { fleet in
            let supervisor = try await started(fleet)
            try fleet.dir.write("promshard.yaml", fleet.config() + "bogus_key: 1\n")
            fleet.daemon?.signal(SIGHUP)
            let logged = await eventually(timeout: .seconds(5)) {
                fleet.daemon?.log.contains("invalid config, keeping the running one") == true
            }
            #expect(logged)
            #expect(fleet.daemon?.log.contains("bogus_key") == true, "the error should name the key")
            #expect(fleet.daemon?.isRunning == true)
            #expect(ProcessTable.children(of: supervisor).count == 4)
            // Still running the old config: a new target file entry is picked up.
            let more = fleet.targets + ["10.9.9.9:9100"]
            try fleet.writeTargets(more)
            let ports = fleet.collectors.map(\.port)
            #expect(await eventually(timeout: .seconds(10)) { fleet.covered(by: ports, targets: more) })
            // A valid new config is taken on the next SIGHUP.
            try fleet.dir.write("promshard.yaml", fleet.config(extraTargets: ["10.8.8.8:9100"]))
            fleet.daemon?.signal(SIGHUP)
            #expect(
                await eventually(timeout: .seconds(10)) {
                    fleet.covered(by: ports, targets: more + ["10.8.8.8:9100"])
                })
        }
    }

    @Test func reloadIsTriggeredOnEveryCollectorThatReceivedAFile() async throws {
        try await Fleet.with { fleet in
            _ = try await started(fleet)
            let reloaded = await eventually(timeout: .seconds(5)) {
                fleet.collectors.allSatisfy { $0.requests.contains("POST /-/reload") }
            }
            #expect(reloaded)
        }
    }
}
