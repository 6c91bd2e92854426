import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Children that hang instead of dying (SIGSTOP): the supervisor keeps
/// routing, replaces the stuck child and still stops promptly.
@Suite(.serialized)
struct HungChildTests {
    /// `stop_grace` of ``Fleet``'s config: SIGTERM must end everything within it plus 1 s.
    static let stopWithin: Duration = .seconds(3) + .seconds(1)

    /// Starts a fleet and waits until the collectors share the targets.
    func started(_ fleet: Fleet) async throws -> Int32 {
        try fleet.start()
        let pid = try #require(fleet.daemon?.pid)
        let ports = fleet.collectors.map(\.port)
        let converged = await eventually(timeout: .seconds(30)) { fleet.covered(by: ports) }
        try #require(converged, "never converged; log:\n\(fleet.daemon?.log ?? "")")
        return pid
    }

    /// SIGTERM: everything is gone within `stop_grace` + 1 s and the exit is 0.
    func expectPromptStop(_ fleet: Fleet, supervisor: Int32) async {
        let children = ProcessTable.children(of: supervisor).map(\.pid)
        #expect(children.count == 4)
        fleet.daemon?.signal(SIGTERM)
        let status = await fleet.daemon?.wait(timeout: Self.stopWithin)
        #expect(status == 0, "no clean exit within stop_grace + 1s; log:\n\(fleet.daemon?.log ?? "")")
        #expect(children.allSatisfy { !ProcessTable.alive($0) }, "children left after the stop")
    }

    @Test(arguments: ["discovery", "hashing", "dispatch", "health"])
    func aStoppedChildIsReplacedAndTheDaemonKeepsWorking(role: String) async throws {
        try await Fleet.with(supervisor: ", child_timeout: 2s") { fleet in
            let supervisor = try await started(fleet)
            let stuck = try #require(ProcessTable.child(role, of: supervisor), "no \(role) child")
            kill(stuck, SIGSTOP)
            defer { kill(stuck, SIGKILL) }
            // Keep the collectors changing while it is stopped.
            let flapping = fleet.collectors[2]
            let flapper = Task {
                var down = false
                while !Task.isCancelled {
                    down.toggle()
                    flapping.answer(down ? 503 : 200)
                    try? await Task.sleep(for: .milliseconds(700))
                }
                flapping.answer(200)
            }
            // Replaced within child_timeout (2s) + a ping interval + backoff (≤ 1s), with room for a slow machine.
            let replaced = await eventually(timeout: .seconds(15)) {
                !ProcessTable.alive(stuck) && ProcessTable.child(role, of: supervisor) != nil
            }
            flapper.cancel()
            await flapper.value
            let log = fleet.daemon?.log ?? ""
            #expect(replaced, "\(role) was not replaced; log:\n\(log)")
            let killLine = log.split(separator: "\n").first {
                $0.contains("child is not answering, killing it") && $0.contains(role)
            }
            #expect(
                killLine?.contains("no answer to a liveness ping") == true, "no kill line saying why:\n\(log)"
            )
            // Afterwards the daemon works: all collectors back, then a failure reaches the files.
            let ports = fleet.collectors.map(\.port)
            #expect(await eventually(timeout: .seconds(20)) { fleet.covered(by: ports) })
            fleet.collectors[0].stop()
            let survivors = Array(ports.dropFirst())
            #expect(
                await eventually(timeout: .seconds(20)) { fleet.covered(by: survivors) },
                "a collector failure did not reach the files after \(role) was replaced; log:\n\(fleet.daemon?.log ?? "")"
            )
            await expectPromptStop(fleet, supervisor: supervisor)
        }
    }

    /// The issue's scenario: a stopped health child with a full socket must
    /// not freeze routing or the stop (child_timeout is long, so it stays stopped).
    @Test func aStoppedChildBlocksNeitherRoutingNorTheStop() async throws {
        try await Fleet.with(targets: 20_000, supervisor: ", child_timeout: 5m") { fleet in
            let supervisor = try await started(fleet)
            let health = try #require(ProcessTable.child("health", of: supervisor))
            kill(health, SIGSTOP)
            defer { kill(health, SIGKILL) }
            let ports = fleet.collectors.map(\.port)
            // Each failover sends health the 20k-target assignment again: far more
            // than its socket buffer holds.
            for round in 0..<3 {
                let dead = fleet.collectors[round % ports.count]
                dead.stop()
                let survivors = ports.filter { $0 != dead.port }
                #expect(
                    await eventually(timeout: .seconds(30)) { fleet.covered(by: survivors) },
                    "failover \(round) did not reach the files with health stopped")
                try dead.start()
                #expect(
                    await eventually(timeout: .seconds(30)) { fleet.covered(by: ports) },
                    "return \(round) did not reach the files with health stopped")
            }
            #expect(ProcessTable.entry(health)?.state == "T", "health should still be stopped")
            await expectPromptStop(fleet, supervisor: supervisor)
        }
    }
}
