import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real daemon records its deliveries in `state_dir/history.sqlite`, and
/// the history survives a restart.
@Suite(.serialized)
struct DaemonHistoryTests {
    func rows(_ fleet: Fleet) throws -> [[String: Any]] {
        let result = try CLI.promshard([
            "history", "--config", fleet.dir.file("promshard.yaml"), "--json", "--limit", "1000",
        ])
        guard result.status == 0,
            let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else { throw TestSupportError("promshard history failed: \(result.stderr)") }
        return rows
    }

    @Test func theDispatchChildRecordsEveryDeliveryAcrossRestarts() async throws {
        let fleet = try Fleet(collectors: 2, targets: 10)
        defer { fleet.tearDown() }
        let ports = fleet.collectors.map(\.port)
        try fleet.start()
        #expect(
            await eventually(timeout: .seconds(30)) { fleet.covered(by: ports) }, "\(fleet.daemon?.log ?? "")"
        )
        #expect(
            try await eventually(timeout: .seconds(10)) {
                try rows(fleet).filter { $0["status"] as? String == "ok" }.count >= 2
            })
        let first = try rows(fleet)
        #expect(Set(first.compactMap { $0["collector"] as? String }) == Set(ports.map { "127.0.0.1:\($0)" }))
        #expect(
            first.allSatisfy { $0["executor"] as? String == "file" && $0["service"] as? String == "node" })
        #expect(FileManager.default.fileExists(atPath: fleet.dir.file("var/history.sqlite")))

        fleet.daemon?.signal(SIGTERM)
        #expect(await fleet.daemon?.wait(timeout: .seconds(15)) == 0)

        // New targets while it is down; after the restart the new deliveries are added to the old rows.
        let more = fleet.targets + ["10.9.9.9:9100"]
        try fleet.writeTargets(more)
        try fleet.start()
        #expect(await eventually(timeout: .seconds(30)) { fleet.covered(by: ports, targets: more) })
        #expect(try await eventually(timeout: .seconds(10)) { try rows(fleet).count > first.count })
        let after = try rows(fleet)
        let firstIDs = Set(first.compactMap { $0["id"] as? Int })
        #expect(firstIDs.isSubset(of: Set(after.compactMap { $0["id"] as? Int })))
    }
}
