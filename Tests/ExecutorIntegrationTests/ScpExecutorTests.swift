import Foundation
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `promshard-exec-scp` through ExecutorRunner, against a real
/// sshd on a loopback port, reloading a loopback HTTP endpoint that records
/// every request.
@Suite(.serialized)
struct ScpExecutorTests {
    let runner = ExecutorRunner()

    @Test func describeAnswersProtocolOne() async throws {
        let description = try await runner.describe(executable: try Binaries.path("promshard-exec-scp"))
        #expect(description == ExecutorDescription(name: "scp", version: "0.1.0", protocol: 1))
    }

    @Test func copiesToATemporaryNameRenamesIntoPlaceAndReloadsOverHTTP() async throws {
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        let reload = try TinyHTTPServer()
        defer { reload.stop() }
        let dir = try TempDir("promshard-scp")
        defer { dir.remove() }
        let content = Requests.fileSD(["10.0.0.1:9100", "10.0.0.2:9100"])
        try dir.write("rendered.json", content)
        // A destination a shell would misread in every way: spaces, quotes, $(…), a glob.
        let remoteDir = dir.file("remote dir/it's $(touch INJECTED) *")
        try FileManager.default.createDirectory(atPath: remoteDir, withIntermediateDirectories: true)
        let dest = "\(remoteDir)/promshard_node.json"
        let url = "http://127.0.0.1:\(reload.port)/-/reload"

        let outcome = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dest, port: reload.port, reloadURL: url,
                params: sshd.scpParams),
            deadline: .seconds(30))

        #expect(outcome.status == .ok, "\(outcome.message)\n\(outcome.stderrTail)\n\(sshd.log)")
        #expect(
            outcome.message
                == "copied \(dest) to \(sshd.user)@127.0.0.1 port \(sshd.port); reload \(url): HTTP 200")
        #expect(try String(contentsOfFile: dest, encoding: .utf8) == content)
        var st = stat()
        #expect(stat(dest, &st) == 0 && st.st_mode & 0o7777 == 0o644)
        // Renamed into place: no temporary file left, nothing injected anywhere.
        #expect(try FileManager.default.contentsOfDirectory(atPath: remoteDir) == ["promshard_node.json"])
        #expect(!FileManager.default.fileExists(atPath: dir.file("INJECTED")))
        #expect(!FileManager.default.fileExists(atPath: NSHomeDirectory() + "/INJECTED"))
        #expect(reload.requests == ["POST /-/reload"])
        // The upload went to a temporary name next to dest, then it was renamed.
        #expect(outcome.stdoutLines.contains { $0.contains(".promshard-tmp-") })
    }

    @Test func reloadCommandRunsOverSSHWithEveryArgumentLiteral() async throws {
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        let dir = try TempDir("promshard-scp")
        defer { dir.remove() }
        try dir.write("rendered.json", Requests.fileSD(["10.0.0.3:9100"]))
        let marker = dir.file("reloaded; $(touch INJECTED) 'x'")
        let outcome = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: 9090, reloadURL: nil,
                params: Requests.merge(
                    sshd.scpParams,
                    [
                        "reload": .string("command"),
                        "reload_command": .array([.string("touch"), .string(marker)]),
                    ])),
            deadline: .seconds(30))
        #expect(outcome.status == .ok, "\(outcome.message)\n\(outcome.stderrTail)")
        #expect(outcome.message.hasSuffix("reload command: exit code 0"))
        #expect(FileManager.default.fileExists(atPath: marker))
        #expect(!FileManager.default.fileExists(atPath: dir.file("INJECTED")))
        #expect(FileManager.default.fileExists(atPath: dir.file("sd.json")))
    }

    @Test func anUnknownHostKeyIsRefusedInStrictModeAndAcceptedWithAcceptNew() async throws {
        let sshd = try await SSHServer()
        defer { sshd.stop() }
        let dir = try TempDir("promshard-scp")
        defer { dir.remove() }
        try dir.write("rendered.json", Requests.fileSD(["10.0.0.4:9100"]))
        try dir.write("empty_known_hosts", "")
        let strict = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: 9090, reloadURL: nil,
                params: Requests.merge(
                    sshd.scpParams, ["known_hosts_file": .string(dir.file("empty_known_hosts"))])),
            deadline: .seconds(30))
        #expect(strict.status == .failed)
        #expect(
            strict.message.contains("copy to \(sshd.user)@127.0.0.1 port \(sshd.port) failed"),
            "\(strict.message)")
        #expect(strict.message.contains("Host key verification failed"), "\(strict.message)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("sd.json")))

        let acceptNew = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: 9090, reloadURL: nil,
                params: Requests.merge(
                    sshd.scpParams,
                    [
                        "known_hosts_file": .string(dir.file("empty_known_hosts")),
                        "known_hosts": .string("accept-new"),
                    ])),
            deadline: .seconds(30))
        #expect(acceptNew.status == .ok, "\(acceptNew.message)\n\(acceptNew.stderrTail)")
        #expect(acceptNew.message.hasSuffix("no reload_url, no reload"))
        #expect(dir.read("empty_known_hosts")?.contains("ssh-ed25519") == true)
    }

    @Test func aClosedSSHPortFailsWithSSHsReasonAndTheReloadIsNotTried() async throws {
        let reload = try TinyHTTPServer()
        defer { reload.stop() }
        let dir = try TempDir("promshard-scp")
        defer { dir.remove() }
        try dir.write("rendered.json", Requests.fileSD(["10.0.0.5:9100"]))
        let closed = freePort()
        let outcome = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: dir.file("sd.json"), port: reload.port,
                reloadURL: "http://127.0.0.1:\(reload.port)/-/reload",
                params: [
                    "port": .number(Double(closed)), "known_hosts": .string("off"),
                    "ssh_config_file": .string("/dev/null"),
                ]),
            deadline: .seconds(30))
        #expect(outcome.status == .failed)
        #expect(outcome.message.contains("port \(closed): Connection refused"), "\(outcome.message)")
        #expect(outcome.exitCode == 1)
        #expect(reload.requests.isEmpty)
    }

    @Test func badParamsAreABadRequestNamingTheParam() async throws {
        let dir = try TempDir("promshard-scp")
        defer { dir.remove() }
        try dir.write("rendered.json", "[]\n")
        let cases: [([String: JSONValue], String)] = [
            (
                ["ssh_options": .array([.string("ProxyCommand=nc %h %p")])],
                "params.ssh_options[0]: ProxyCommand cannot be set here"
            ),
            (
                ["ssh_options": .array([.string("-oFoo")])],
                "params.ssh_options[0] \"-oFoo\" must look like Name=value"
            ),
            (["known_hosts": .string("maybe")], "params.known_hosts must be one of strict, accept-new, off"),
            (["user": .string("-oProxyCommand=x")], "params.user"),
            (["reload": .string("command")], "params.reload_command"),
            (
                ["reload": .string("command"), "reload_command": .array([.string("kill\n-HUP")])],
                "contains a line break"
            ),
            (["prot": .number(22)], "unknown params prot"),
        ]
        for (params, expected) in cases {
            let outcome = await runner.run(
                executable: try Binaries.path("promshard-exec-scp"),
                request: Requests.make(
                    path: dir.file("rendered.json"), dest: "/tmp/x.json", port: 9090, reloadURL: nil,
                    params: params),
                deadline: .seconds(10))
            #expect(outcome.status == .badRequest, "\(params)")
            #expect(outcome.message.contains(expected), "\(outcome.message)")
        }
        let relative = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: "sd/x.json", port: 9090, reloadURL: nil, params: [:]),
            deadline: .seconds(10))
        #expect(relative.status == .badRequest)
        #expect(relative.message.contains("must be an absolute file path"))
        let hostile = await runner.run(
            executable: try Binaries.path("promshard-exec-scp"),
            request: Requests.make(
                path: dir.file("rendered.json"), dest: "/tmp/x.json", address: "-oProxyCommand=x", port: 9090,
                reloadURL: nil, params: [:]),
            deadline: .seconds(10))
        #expect(hostile.status == .badRequest)
        #expect(hostile.message.contains("is not a host name or address"))
    }
}
