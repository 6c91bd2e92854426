import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `targets.max_drop` with the real daemon: a deleted target file is held,
/// then applied after `drop_hold`, or at once on SIGHUP.
@Suite(.serialized)
struct MassDropProcessTests {
    /// A fleet of two collectors and 30 targets in one file, guarded with `drop_hold`.
    func guardedFleet(dropHold: String) throws -> (Fleet, Int) {
        let fleet = try Fleet(collectors: 2, targets: 30)
        let http = freePort()
        let config =
            fleet.config().replacingOccurrences(
                of: "      refresh_interval: 300ms\n",
                with: "      refresh_interval: 300ms\n      max_drop: 50%\n      drop_hold: \(dropHold)\n")
            + "http: { listen: 127.0.0.1:\(http) }\n"
        #expect(config.contains("drop_hold: \(dropHold)"))
        try fleet.dir.write("promshard.yaml", config)
        return (fleet, http)
    }

    func statusReasons(_ port: Int) -> [String] {
        guard let (_, body) = try? HTTPGet.get(port: port, path: "/api/v1/status"),
            let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return [] }
        return json["reasons"] as? [String] ?? []
    }

    func metrics(_ port: Int) -> String {
        guard let (_, body) = try? HTTPGet.get(port: port, path: "/metrics") else { return "" }
        return String(decoding: body, as: UTF8.self)
    }

    /// Starts the fleet, waits for every target to be delivered, deletes the
    /// target file and waits until the daemon reports the hold.
    func startAndDeleteTheTargetFile(_ fleet: Fleet, http: Int) async throws {
        try fleet.start()
        let ports = fleet.collectors.map(\.port)
        let converged = await eventually(timeout: .seconds(20)) { fleet.covered(by: ports) }
        try #require(converged, "never converged; log:\n\(fleet.daemon?.log ?? "")")
        try FileManager.default.removeItem(atPath: fleet.dir.file("targets/main.json"))
        let held = await eventually(timeout: .seconds(15)) {
            statusReasons(http).contains {
                $0.contains("service node: holding the removal of 30 of 30 targets")
            }
        }
        try #require(held, "no hold on the status; log:\n\(fleet.daemon?.log ?? "")")
        #expect(fleet.daemon?.log.contains("holding a mass removal of targets") == true)
        // Held: every collector still has its share.
        #expect(fleet.covered(by: ports), "targets were dropped while held: \(fleet.delivered())")
        let gauge = await eventually(timeout: .seconds(10)) {
            metrics(http).contains("promshard_targets_drop_held{service=\"node\"} 30")
        }
        #expect(gauge, "no drop_held gauge in:\n\(metrics(http))")
    }

    func allEmpty(_ fleet: Fleet) -> Bool {
        let files = fleet.delivered()
        return files.count == fleet.collectors.count && files.values.allSatisfy(\.isEmpty)
    }

    @Test func deletedTargetFileIsHeldThenAppliedAfterDropHold() async throws {
        let (fleet, http) = try guardedFleet(dropHold: "8s")
        defer { fleet.tearDown() }
        try await startAndDeleteTheTargetFile(fleet, http: http)
        let applied = await eventually(timeout: .seconds(40)) { allEmpty(fleet) }
        #expect(applied, "held removal never applied: \(fleet.delivered()); log:\n\(fleet.daemon?.log ?? "")")
        #expect(
            fleet.daemon?.log.contains("applying the held removal of targets: it persisted for drop_hold")
                == true)
        #expect(
            await eventually(timeout: .seconds(10)) {
                !statusReasons(http).contains { $0.contains("holding") }
            })
        let counted = await eventually(timeout: .seconds(10)) {
            let text = metrics(http)
            return text.contains("promshard_targets_drop_held{service=\"node\"} 0")
                && text.contains("promshard_target_drops_total{outcome=\"expired\",service=\"node\"} 1")
        }
        #expect(counted, "metrics:\n\(metrics(http))")
    }

    @Test func sighupConfirmsAHeldRemovalAtOnce() async throws {
        let (fleet, http) = try guardedFleet(dropHold: "10m")
        defer { fleet.tearDown() }
        try await startAndDeleteTheTargetFile(fleet, http: http)
        fleet.daemon?.signal(SIGHUP)
        let applied = await eventually(timeout: .seconds(20)) { allEmpty(fleet) }
        #expect(
            applied,
            "SIGHUP did not apply the removal: \(fleet.delivered()); log:\n\(fleet.daemon?.log ?? "")")
        #expect(fleet.daemon?.log.contains("applying the removal of targets: confirmed by SIGHUP") == true)
        #expect(
            await eventually(timeout: .seconds(10)) {
                !statusReasons(http).contains { $0.contains("holding") }
            })
        // Targets coming back are additions: they pass at once.
        try fleet.writeTargets(fleet.targets)
        let ports = fleet.collectors.map(\.port)
        #expect(await eventually(timeout: .seconds(20)) { fleet.covered(by: ports) })
    }
}
