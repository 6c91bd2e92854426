import Foundation
import PromshardProtocol
import PromshardTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH server (Debian `openssh-server`) on 127.0.0.1 and a free
/// port, for the executor tests: its own host key, a generated client key
/// authorised for the current user, and a known_hosts file holding its host
/// key. Runs as `sshd -D -e -f <config>` until ``stop()``.
final class SSHServer: @unchecked Sendable {
    let port: Int
    let dir: TempDir
    /// Private key the executors authenticate with.
    let clientKey: String
    /// known_hosts with this server's key for `[127.0.0.1]:port`.
    let knownHosts: String
    /// The login name (the user running the tests).
    let user: String
    private var process: SpawnedProcess?

    /// Starts a server; fails with a clear message when OpenSSH is missing.
    init() async throws {
        for tool in [Tools.sshd, Tools.sshKeygen, "/usr/bin/ssh", "/usr/bin/scp"] {
            try Tools.require(tool, package: tool.hasSuffix("sshd") ? "openssh-server" : "openssh-client")
        }
        dir = try TempDir("promshard-sshd")
        port = freePort()
        clientKey = dir.file("client_ed25519")
        knownHosts = dir.file("known_hosts")
        user = String(cString: getpwuid(geteuid()).pointee.pw_name)
        let hostKey = dir.file("host_ed25519")
        try Tools.run(
            Tools.sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "promshard-test-host", "-f", hostKey])
        try Tools.run(
            Tools.sshKeygen,
            ["-q", "-t", "ed25519", "-N", "", "-C", "promshard-test-client", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: dir.file("authorized_keys"))
        let hostPublic = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ")
        try "[127.0.0.1]:\(port) \(hostPublic[0]) \(hostPublic[1])\n".write(
            toFile: knownHosts, atomically: true, encoding: .utf8)
        // sshd refuses to start without its privilege separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(hostKey)
            AuthorizedKeysFile \(dir.file("authorized_keys"))
            StrictModes no
            PidFile \(dir.file("sshd.pid"))
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            Subsystem sftp /usr/lib/openssh/sftp-server
            LogLevel VERBOSE

            """
        try config.write(toFile: dir.file("sshd_config"), atomically: true, encoding: .utf8)
        process = try SpawnedProcess(
            [Tools.sshd, "-D", "-e", "-f", dir.file("sshd_config")], log: dir.file("sshd.log"))
        let up = await eventually(timeout: .seconds(10), every: .milliseconds(50)) {
            withLoopbackAddress(port: port) { address, length in
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(fd) }
                return connect(fd, address, length) == 0
            }
        }
        guard up else { throw TestSupportError("sshd on 127.0.0.1:\(port) did not start:\n\(log)") }
    }

    /// What sshd logged.
    var log: String { process?.log ?? "" }

    /// Connection params for the scp executor.
    var scpParams: [String: JSONValue] {
        [
            "user": .string(user), "port": .number(Double(port)), "identity_file": .string(clientKey),
            "known_hosts_file": .string(knownHosts), "ssh_config_file": .string("/dev/null"),
        ]
    }

    /// Connection params for the ansible executor.
    var ansibleParams: [String: JSONValue] {
        [
            "user": .string(user), "port": .number(Double(port)), "identity_file": .string(clientKey),
            "known_hosts_file": .string(knownHosts), "python_interpreter": .string(Tools.python3),
            "playbook": .string(Tools.repositoryRoot + "/plugins/ansible/copy_file_and_reload.yaml"),
        ]
    }

    /// Stops the server and removes its directory.
    func stop() {
        process?.stop()
        dir.remove()
    }
}
