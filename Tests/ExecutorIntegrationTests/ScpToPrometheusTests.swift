import Foundation
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import PromshardTestSupport
import Testing

/// The scp executor against a real Prometheus: the file_sd file arrives over
/// a real sshd, the reload POST hits Prometheus' lifecycle endpoint, and
/// Prometheus scrapes exactly the delivered targets.
@Suite(.serialized)
struct ScpToPrometheusTests {
    @Test func prometheusScrapesWhatScpDelivered() async throws {
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        let dir = try TempDir("promshard-scp-prometheus")
        defer { dir.remove() }
        let prometheus = try PrometheusServer(
            dir: dir.file("prometheus"), sdDirectory: dir.file("sd"), job: "node")
        try FileManager.default.createDirectory(atPath: dir.file("sd"), withIntermediateDirectories: true)
        try await prometheus.start()
        defer { prometheus.kill9() }

        let targets = ["127.0.0.1:19101", "127.0.0.1:19102"]
        try dir.write("rendered.json", Requests.fileSD(targets))
        let outcome = await ExecutorRunner().run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: prometheus.sdFile, port: prometheus.port,
                reloadURL: "http://127.0.0.1:\(prometheus.port)/-/reload", params: sshd.scpParams),
            deadline: .seconds(30))
        #expect(outcome.status == .ok, "\(outcome.message)\n\(outcome.stderrTail)")
        #expect(outcome.message.hasSuffix("/-/reload: HTTP 200"), "\(outcome.message)")
        let scraped = await eventually(timeout: .seconds(30), every: .milliseconds(250)) {
            ((try? prometheus.activeTargets(job: "node")) ?? []).sorted() == targets
        }
        #expect(scraped, "\((try? prometheus.activeTargets(job: "node")) ?? [])")
    }
}
