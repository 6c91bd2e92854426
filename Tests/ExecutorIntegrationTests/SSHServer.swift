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
///
/// With several `addresses` (all of 127.0.0.0/8 is loopback) each address is
/// its own ssh host on the same port: one sshd per 16 addresses (OpenSSH's
/// limit of listen sockets), sharing keys, with room for parallel sessions.
final class SSHServer: @unchecked Sendable {
    let port: Int
    let dir: TempDir
    /// Private key the executors authenticate with.
    let clientKey: String
    /// known_hosts with this server's key for `[127.0.0.1]:port`.
    let knownHosts: String
    /// The login name (the user running the tests).
    let user: String
    /// The addresses served.
    let addresses: [String]
    private var processes: [SpawnedProcess] = []

    /// Starts a server; fails with a clear message when OpenSSH is missing.
    init(addresses: [String] = ["127.0.0.1"]) async throws {
        self.addresses = addresses
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
        try addresses.map { "[\($0)]:\(port) \(hostPublic[0]) \(hostPublic[1])\n" }.joined().write(
            toFile: knownHosts, atomically: true, encoding: .utf8)
        // sshd refuses to start without its privilege separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for (index, start) in stride(from: 0, to: addresses.count, by: 16).enumerated() {
            let listen = addresses[start..<min(start + 16, addresses.count)].map { "ListenAddress \($0)\n" }
                .joined()
            let config = """
                \(listen)Port \(port)
                HostKey \(hostKey)
                AuthorizedKeysFile \(dir.file("authorized_keys"))
                StrictModes no
                PidFile \(dir.file("sshd\(index).pid"))
                MaxStartups 200:30:400
                MaxSessions 100
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                PermitRootLogin prohibit-password
                Subsystem sftp /usr/lib/openssh/sftp-server
                LogLevel VERBOSE

                """
            try config.write(toFile: dir.file("sshd_config\(index)"), atomically: true, encoding: .utf8)
            processes.append(
                try SpawnedProcess(
                    [Tools.sshd, "-D", "-e", "-f", dir.file("sshd_config\(index)")],
                    log: dir.file("sshd\(index).log")))
        }
        for address in addresses {
            let up = await eventually(timeout: .seconds(10), every: .milliseconds(50)) {
                Self.accepts(address: address, port: port)
            }
            guard up else { throw TestSupportError("sshd on \(address):\(port) did not start:\n\(log)") }
        }
    }

    /// Whether `address:port` accepts a TCP connection.
    static func accepts(address: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr(address)
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// What the sshds logged.
    var log: String { processes.map(\.log).joined(separator: "\n") }

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
        // Session processes outlive a stopped sshd: end this server's first.
        var sessions = processes.flatMap { ProcessTable.children(of: $0.pid).map(\.pid) }
        var index = 0
        while index < sessions.count {
            sessions += ProcessTable.children(of: sessions[index]).map(\.pid)
            index += 1
        }
        for pid in sessions { kill(pid, SIGKILL) }
        for process in processes { process.stop() }
        dir.remove()
    }
}
