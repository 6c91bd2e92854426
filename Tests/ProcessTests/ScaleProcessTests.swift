import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Correctness at scale: the real daemon with 100k targets (one file_sd group per target, two
/// labels each). No timing assertions; `promshard-bench daemon` prints the times.
@Suite(.serialized)
struct ScaleProcessTests {
    static let count = 100_000

    /// Labels of target `i`, as written in the target file.
    static func labels(_ i: Int) -> [String: String] { ["env": "scale", "rack": "r\(i % 97)"] }

    func writeGroups(_ fleet: Fleet) throws {
        var text = "[\n"
        for (i, t) in fleet.targets.enumerated() {
            let l = Self.labels(i)
            text +=
                "{\"targets\":[\"\(t)\"],\"labels\":{\"env\":\"\(l["env"]!)\",\"rack\":\"\(l["rack"]!)\"}}"
            text += i == fleet.targets.count - 1 ? "\n" : ",\n"
        }
        try fleet.dir.write("targets/main.json", text + "]\n")
    }

    /// Per delivered file: target → labels, nil when a file is missing.
    func shares(_ fleet: Fleet) -> [Int: [String: [String: String]]]? {
        var result: [Int: [String: [String: String]]] = [:]
        for c in fleet.collectors {
            guard let data = FileManager.default.contents(atPath: fleet.dir.file("out/\(c.port).json")),
                let groups = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
            else { return nil }
            var share: [String: [String: String]] = [:]
            for g in groups {
                let labels = g["labels"] as? [String: String] ?? [:]
                for t in g["targets"] as? [String] ?? [] { share[t] = labels }
            }
            result[c.port] = share
        }
        return result
    }

    @Test func everyTargetIsInExactlyOneFileWithItsLabelsAndAFailoverMovesOnlyTheDeadShare() async throws {
        let fleet = try Fleet(collectors: 4, targets: Self.count)
        defer { fleet.tearDown() }
        try writeGroups(fleet)
        try fleet.start()
        let ports = fleet.collectors.map(\.port)
        let converged = await eventually(timeout: .seconds(180), every: .seconds(1)) {
            fleet.covered(by: ports)
        }
        #expect(converged, "never converged; log:\n\(fleet.daemon?.log.suffix(3000) ?? "")")
        guard converged, let before = shares(fleet) else { return }

        // Every target exactly once, with exactly the labels of its group.
        var seen = 0
        for (i, t) in fleet.targets.enumerated() {
            let holders = before.filter { $0.value[t] != nil }
            #expect(holders.count == 1, "\(t) is in \(holders.count) files")
            #expect(holders.first?.value[t] == Self.labels(i), "\(t) has the wrong labels")
            seen += holders.count
            if holders.count != 1 { break }
        }
        #expect(seen == Self.count)

        // A failover moves exactly the dead collector's share and nothing else.
        let dead = fleet.collectors[1]
        let deadShare = Set(before[dead.port]!.keys)
        dead.stop()
        let survivors = ports.filter { $0 != dead.port }
        let moved = await eventually(timeout: .seconds(120), every: .seconds(1)) {
            fleet.covered(by: survivors)
        }
        #expect(moved, "survivors did not take over; log:\n\(fleet.daemon?.log.suffix(3000) ?? "")")
        guard moved, let after = shares(fleet) else { return }
        var gained = Set<String>()
        for port in survivors {
            let old = Set(before[port]!.keys)
            let new = Set(after[port]!.keys)
            #expect(old.isSubset(of: new), "collector \(port) lost \(old.subtracting(new).count) targets")
            gained.formUnion(new.subtracting(old))
            for (t, labels) in after[port]! where !old.contains(t) {
                #expect(labels == before[dead.port]![t], "\(t) moved without its labels")
            }
        }
        #expect(gained == deadShare)
        #expect(after[dead.port]?.isEmpty == true)
    }
}
