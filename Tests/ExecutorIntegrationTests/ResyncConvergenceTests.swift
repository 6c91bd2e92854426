import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardProtocol
import PromshardTestSupport
import Testing

/// `dispatch.resync` with the real `file` executor: a destination file edited
/// by hand is rewritten (and the collector reloaded) at the next resync,
/// while an untouched one is left alone (same bytes: no write, no reload).
@Suite(.serialized)
struct ResyncConvergenceTests {
    @Test func aHandEditedFileConvergesAtTheNextResync() async throws {
        let prometheus = try TinyHTTPServer()
        defer { prometheus.stop() }
        let dir = try TempDir("promshard-resync")
        defer { dir.remove() }
        let settings = DispatchSettings(
            executor: try Binaries.path("promshard-exec-file"), dest: dir.file("sd/{port}.json"),
            reloadURL: "http://{address}:{port}/-/reload", resync: .milliseconds(700))
        let config = SchedulerHarness.config(stateDir: dir.file("var"), dispatch: settings)
        let harness = SchedulerHarness(historyPath: nil)
        await harness.scheduler.apply(
            config: config,
            assignment: SchedulerHarness.assignment(1, [("127.0.0.1", prometheus.port, ["10.1.1.1:9100"])]))
        #expect(await harness.wait(timeout: .seconds(20)) { $0.count == 1 })
        let dest = "sd/\(prometheus.port).json"
        let rendered = try #require(dir.read(dest))
        #expect(rendered.contains("10.1.1.1:9100"))
        #expect(prometheus.requests.count == 1)

        // Next resync: same bytes, nothing written, no reload.
        #expect(await harness.wait(timeout: .seconds(20)) { $0.count == 2 })
        #expect(harness.attempts[1].status == .ok)
        #expect(harness.attempts[1].message.contains("unchanged"), "\(harness.attempts[1].message)")
        #expect(prometheus.requests.count == 1)

        // Someone edits the file by hand; the next resync puts it back and reloads.
        try dir.write(dest, "[{\"targets\":[\"hand-edited:1\"]}]\n")
        let converged = await harness.wait(timeout: .seconds(20)) { _ in dir.read(dest) == rendered }
        #expect(converged)
        #expect(await eventually(timeout: .seconds(5)) { prometheus.requests.count == 2 })
        #expect(harness.attempts.contains { $0.message.hasPrefix("wrote ") && $0.assignmentVersion == 1 })
    }
}
