import Foundation
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `promshard-exec-ansible` running the real `ansible-playbook`
/// (Debian ansible-core) with the shipped playbook against a real sshd; the
/// playbook's reload POST lands on a loopback endpoint that records it.
@Suite(.serialized)
struct AnsibleExecutorTests {
    let runner = ExecutorRunner()

    func requireAnsible() throws {
        try Tools.require(Tools.ansiblePlaybook, package: "ansible-core")
        try Tools.require(Tools.python3, package: "python3")
    }

    @Test func describeAnswersProtocolOne() async throws {
        let description = try await runner.describe(executable: try Binaries.path("promshard-exec-ansible"))
        #expect(description == ExecutorDescription(name: "ansible", version: "0.1.0", protocol: 1))
    }

    @Test func thePlaybookCopiesTheFileWithMode0644AndReloads() async throws {
        try requireAnsible()
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        let prometheus = try TinyHTTPServer()
        defer { prometheus.stop() }
        let dir = try TempDir("promshard-ansible")
        defer { dir.remove() }
        let content = Requests.fileSD(["10.0.1.1:9100"])
        try dir.write("rendered.json", content)
        let dest = dir.file("prometheus/sd/promshard_node.json")
        try FileManager.default.createDirectory(
            atPath: dir.file("prometheus/sd"), withIntermediateDirectories: true)

        // No reload_url: the playbook POSTs http://<host>:<service_port>/-/reload.
        let outcome = await runner.run(
            executable: try Binaries.path("promshard-exec-ansible"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dest, port: prometheus.port, reloadURL: nil,
                params: sshd.ansibleParams, deadlineMs: 90_000),
            deadline: .seconds(90))

        #expect(outcome.status == .ok, "\(outcome.message)\n\(outcome.stderrTail)")
        #expect(outcome.message == "ansible-playbook on 127.0.0.1: copied \(dest) and reloaded")
        #expect(outcome.changed == true)
        #expect(try String(contentsOfFile: dest, encoding: .utf8) == content)
        var st = stat()
        #expect(stat(dest, &st) == 0 && st.st_mode & 0o7777 == 0o644)
        #expect(prometheus.requests == ["POST /-/reload"])
        #expect(outcome.stderrTail.contains("PLAY RECAP"))
    }

    @Test func aFailingReloadIsATaskFailureWithAnsiblesMessage() async throws {
        try requireAnsible()
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        let prometheus = try TinyHTTPServer()
        prometheus.answer(500)
        defer { prometheus.stop() }
        let dir = try TempDir("promshard-ansible")
        defer { dir.remove() }
        try dir.write("rendered.json", Requests.fileSD(["10.0.1.2:9100"]))
        let url = "http://127.0.0.1:\(prometheus.port)/-/reload"
        let outcome = await runner.run(
            executable: try Binaries.path("promshard-exec-ansible"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: 9, reloadURL: url,
                params: sshd.ansibleParams, deadlineMs: 90_000),
            deadline: .seconds(90))
        #expect(outcome.status == .failed)
        #expect(
            outcome.message.hasPrefix(
                "ansible-playbook on 127.0.0.1: a task failed on the host (exit code 2): "),
            "\(outcome.message)")
        #expect(outcome.message.contains("Status code was 500"), "\(outcome.message)")
        #expect(prometheus.requests == ["POST /-/reload"])
        #expect(FileManager.default.fileExists(atPath: dir.file("sd.json")))
    }

    @Test func anUnreachableHostIsReportedAsSuch() async throws {
        try requireAnsible()
        let dir = try TempDir("promshard-ansible")
        defer { dir.remove() }
        try dir.write("rendered.json", "[]\n")
        let closed = freePort()
        let outcome = await runner.run(
            executable: try Binaries.path("promshard-exec-ansible"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: 9090, reloadURL: nil,
                params: [
                    "port": .number(Double(closed)), "host_key_checking": .bool(false),
                    "playbook": .string(Tools.repositoryRoot + "/plugins/ansible/copy_file_and_reload.yaml"),
                ], deadlineMs: 60_000),
            deadline: .seconds(60))
        #expect(outcome.status == .failed)
        #expect(
            outcome.message.hasPrefix(
                "ansible-playbook on 127.0.0.1: host unreachable (or the playbook could not be parsed) (exit code 4)"
            ),
            "\(outcome.message)")
        #expect(outcome.message.contains("Connection refused"), "\(outcome.message)")
    }

    @Test func aMissingPlaybookOrABadParamIsABadRequest() async throws {
        let dir = try TempDir("promshard-ansible")
        defer { dir.remove() }
        try dir.write("rendered.json", "[]\n")
        let cases: [([String: JSONValue], String)] = [
            (
                ["playbook": .string(dir.file("nope.yaml"))],
                "params.playbook \(dir.file("nope.yaml")) does not exist"
            ),
            (
                ["extra_vars": .object(["dest_sd_file_name": .string("/etc/passwd")])],
                "params.extra_vars.dest_sd_file_name is set by the executor"
            ),
            (["port": .string("22")], "params.port must be an integer"),
            (["inventory": .string("x")], "unknown params inventory"),
        ]
        for (params, expected) in cases {
            let outcome = await runner.run(
                executable: try Binaries.path("promshard-exec-ansible"),
                request: Requests.make(
                    path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: 9090, reloadURL: nil,
                    params: params),
                deadline: .seconds(10))
            #expect(outcome.status == .badRequest, "\(params): \(outcome.message)")
            #expect(outcome.message.contains(expected), "\(outcome.message)")
        }
    }
}
