import Foundation
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import PromshardTestSupport
import Testing

/// plugins/examples/copy-and-reload.sh, the shell executor of docs/PLUGINS.md,
/// run through ExecutorRunner like any plugin.
@Suite(.serialized)
struct ExampleShellExecutorTests {
    let runner = ExecutorRunner()
    var example: String { Tools.repositoryRoot + "/plugins/examples/copy-and-reload.sh" }

    func requireTools() throws {
        try Tools.require(Tools.python3, package: "python3")
        try Tools.require(Tools.curl, package: "curl")
    }

    @Test func describeAnswersProtocolOne() async throws {
        let description = try await runner.describe(executable: example)
        #expect(
            description == ExecutorDescription(name: "example-copy-and-reload", version: "1.0.0", protocol: 1)
        )
    }

    @Test func installsTheFileReloadsAndSkipsUnchangedContent() async throws {
        try requireTools()
        let prometheus = try TinyHTTPServer()
        defer { prometheus.stop() }
        let dir = try TempDir("promshard-example")
        defer { dir.remove() }
        let content = Requests.fileSD(["10.0.2.1:9100"])
        try dir.write("rendered.json", content)
        let dest = dir.file("sd dir/it's.json")
        let url = "http://127.0.0.1:\(prometheus.port)/-/reload"
        let request = Requests.make(
            path: dir.file("rendered.json"), dest: dest, port: prometheus.port, reloadURL: url, params: [:])

        let first = await runner.run(executable: example, request: request, deadline: .seconds(20))
        #expect(first.status == .ok, "\(first.message)\n\(first.stderrTail)")
        #expect(first.changed == true)
        #expect(first.message == "\(dest) installed; reload \(url): ok")
        #expect(dir.read("sd dir/it's.json") == content)
        #expect(prometheus.requests == ["POST /-/reload"])

        let second = await runner.run(executable: example, request: request, deadline: .seconds(20))
        #expect(second.status == .ok)
        #expect(second.changed == false)
        #expect(second.message == "\(dest) unchanged; reload skipped")
        #expect(prometheus.requests.count == 1)
    }

    @Test func aFailedReloadIsFailedAndItsRetryReloads() async throws {
        try requireTools()
        let prometheus = try TinyHTTPServer()
        defer { prometheus.stop() }
        prometheus.answer(503)
        let dir = try TempDir("promshard-example")
        defer { dir.remove() }
        try dir.write("rendered.json", Requests.fileSD(["10.0.2.2:9100"]))
        let url = "http://127.0.0.1:\(prometheus.port)/-/reload"
        let request = Requests.make(
            path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: prometheus.port, reloadURL: url,
            params: [:])
        let failed = await runner.run(executable: example, request: request, deadline: .seconds(20))
        #expect(failed.status == .failed)
        #expect(failed.exitCode == 1)
        #expect(failed.message.contains("reload \(url) failed: curl: (22)"), "\(failed.message)")
        #expect(failed.stderrTail.contains("503"))

        prometheus.answer(200)
        let retried = await runner.run(executable: example, request: request, deadline: .seconds(20))
        #expect(retried.status == .ok, "\(retried.message)")
        #expect(prometheus.requests.count == 2)
    }

    @Test func aBadRequestExitsTwo() async throws {
        try requireTools()
        let outcome = await runner.run(
            executable: example,
            request: Requests.make(path: "", dest: "/tmp/x.json", port: 9090, reloadURL: nil, params: [:]),
            deadline: .seconds(20))
        #expect(outcome.status == .badRequest)
        #expect(outcome.message.contains("file.path is empty"))
    }
}
