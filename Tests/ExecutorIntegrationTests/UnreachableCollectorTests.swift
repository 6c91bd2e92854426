import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardProtocol
import PromshardTestSupport
import Testing

/// One collector whose sshd never answers does not hold up the others: with
/// the real scp executor, real sshd and the scheduler of the dispatch child,
/// the healthy collectors' deliveries — even of a newer assignment — all
/// finish before the stuck one reaches its deadline. Asserted by order of
/// completion, not by wall time. After the deadline, no ssh/scp process of
/// the stuck delivery is left.
@Suite(.serialized)
struct UnreachableCollectorTests {
    @Test func aHungCollectorDelaysNobodyAndLeavesNoProcess() async throws {
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        // 127.0.0.2 is loopback too; there the ssh port accepts and never speaks.
        let silent = try SilentListener(address: "127.0.0.2", port: sshd.port)
        defer { silent.stop() }
        let first = try TinyHTTPServer()
        defer { first.stop() }
        let second = try TinyHTTPServer()
        defer { second.stop() }
        let dir = try TempDir("promshard-unreachable")
        defer { dir.remove() }

        let settings = DispatchSettings(
            executor: try Binaries.path("promshard-exec-scp"), dest: dir.file("sd/{address}_{port}.json"),
            reloadURL: "http://{address}:{port}/-/reload", timeout: .seconds(10),
            killGrace: .milliseconds(500),
            params: Requests.merge(sshd.scpParams, ["connect_timeout": .number(120)]), retries: 0,
            resync: .zero)
        try FileManager.default.createDirectory(atPath: dir.file("sd"), withIntermediateDirectories: true)
        let config = SchedulerHarness.config(stateDir: dir.file("var"), dispatch: settings)
        let harness = SchedulerHarness(historyPath: nil)
        let stuck = "127.0.0.2:9"
        func shares(_ tag: String) -> [(address: String, port: Int, targets: [String])] {
            [
                ("127.0.0.1", first.port, ["\(tag)-a:9100"]), ("127.0.0.1", second.port, ["\(tag)-b:9100"]),
                ("127.0.0.2", 9, ["\(tag)-c:9100"]),
            ]
        }

        await harness.scheduler.apply(
            config: config, assignment: SchedulerHarness.assignment(1, shares("v1")))
        let firstRound = await harness.wait(timeout: .seconds(60)) { records in
            records.filter { $0.status == .ok && $0.assignmentVersion == 1 }.count == 2
        }
        #expect(firstRound, "\(harness.attempts.map { "\($0.collector) \($0.status) \($0.message)" })")
        // A newer assignment while the stuck delivery still hangs: the others get it at once.
        await harness.scheduler.apply(
            config: config, assignment: SchedulerHarness.assignment(2, shares("v2")))
        let done = await harness.wait(timeout: .seconds(60)) { records in
            records.filter { $0.collector == stuck }.count == 2
        }
        #expect(done, "\(harness.attempts.map { "\($0.collector) \($0.status) \($0.message)" })")

        let order = harness.attempts.map { "\($0.collector) v\($0.assignmentVersion) \($0.status.rawValue)" }
        let a = "127.0.0.1:\(first.port)"
        let b = "127.0.0.1:\(second.port)"
        // Both healthy collectors got v1, then v2, before the stuck one's first deadline.
        #expect(order.count == 6, "\(order)")
        #expect(Set(order.prefix(2)) == ["\(a) v1 ok", "\(b) v1 ok"], "\(order)")
        #expect(Set(order.dropFirst(2).prefix(2)) == ["\(a) v2 ok", "\(b) v2 ok"], "\(order)")
        // The stuck ones end last: reported by the executor itself just before the deadline
        // ("scp timed out", failed), or by the runner at the deadline (timeout).
        #expect(order.suffix(2).allSatisfy { $0.hasPrefix("\(stuck) v") }, "\(order)")
        for record in harness.attempts where record.collector == stuck {
            #expect(
                (record.status == .failed && record.message.contains("scp timed out after"))
                    || (record.status == .timeout && record.message.hasPrefix("deadline 10s exceeded")),
                "\(record.status): \(record.message)")
        }
        #expect(dir.read("sd/127.0.0.1_\(first.port).json")?.contains("v2-a:9100") == true)
        #expect(dir.read("sd/127.0.0.1_\(second.port).json")?.contains("v2-b:9100") == true)
        #expect(first.requests == ["POST /-/reload", "POST /-/reload"])
        #expect(!FileManager.default.fileExists(atPath: dir.file("sd/127.0.0.2_9.json")))
        // Nothing of the stuck deliveries survives: no executor, no scp, no ssh.
        let leftovers = ProcessTable.all().filter { $0.arguments.contains { $0.contains("127.0.0.2") } }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
