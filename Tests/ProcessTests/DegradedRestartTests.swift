import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A promshard restart resumes from the assignment it delivered (`<state_dir>/assignment.json`):
/// restarting while a collector is down changes no delivered file.
@Suite(.serialized)
struct DegradedRestartTests {
    /// Bytes and modification time of every delivered file.
    func snapshot(_ fleet: Fleet) -> [Int: String] {
        var result: [Int: String] = [:]
        for c in fleet.collectors {
            let path = fleet.dir.file("out/\(c.port).json")
            var st = stat()
            let mtime = stat(path, &st) == 0 ? "\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)" : "missing"
            result[c.port] = "\(mtime)\n\(fleet.dir.read("out/\(c.port).json") ?? "")"
        }
        return result
    }

    @Test func aRestartInTheMiddleOfADegradedStateChangesNoFile() async throws {
        let fleet = try Fleet(collectors: 4, targets: 120)
        defer { fleet.tearDown() }
        try fleet.start()
        let ports = fleet.collectors.map(\.port)
        let converged = await eventually(timeout: .seconds(20)) { fleet.covered(by: ports) }
        #expect(converged, "never converged; log:\n\(fleet.daemon?.log ?? "")")
        let before = fleet.delivered()

        // Degrade: one collector dies; only its targets move.
        fleet.collectors[0].stop()
        let survivors = Array(ports.dropFirst())
        let tookOver = await eventually(timeout: .seconds(15)) { fleet.covered(by: survivors) }
        #expect(tookOver, "survivors did not take over; log:\n\(fleet.daemon?.log ?? "")")
        let degraded = fleet.delivered()
        for port in survivors {
            #expect(degraded[port]?.isSuperset(of: before[port] ?? []) == true, "\(port) lost targets")
        }
        try await Task.sleep(for: .seconds(1))
        let files = snapshot(fleet)

        // Restart the whole daemon while the collector is still down.
        fleet.daemon?.signal(SIGTERM)
        let status = await fleet.daemon?.wait(timeout: .seconds(15))
        #expect(status != nil, "promshard did not stop on SIGTERM")
        try fleet.start()
        // The restarted dispatch delivers every collector once (the dead one its `[]`).
        let delivered = await eventually(timeout: .seconds(20)) {
            let log = fleet.daemon?.log ?? ""
            return log.contains("resuming the saved assignment")
                && log.components(separatedBy: "delivered").count - 1 >= fleet.collectors.count
        }
        #expect(delivered, "no full delivery round after the restart; log:\n\(fleet.daemon?.log ?? "")")
        // A few more health rounds (300 ms each): nothing may change either.
        try await Task.sleep(for: .seconds(2))
        #expect(snapshot(fleet) == files, "a file changed; log:\n\(fleet.daemon?.log ?? "")")
        #expect(fleet.covered(by: survivors))
    }
}
