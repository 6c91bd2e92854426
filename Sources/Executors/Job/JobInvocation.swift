import Foundation
import PromshardProtocol

/// The `ansible` / `ansible-playbook` command line and environment for one
/// unit (pure: argv array, no shell).
///
/// - inventory: the unit's hosts (`-i "a,b,c,"`), `--forks` = hosts (≤ 50);
/// - stdout callback `promshard_job` (plugins/ansible/callback_plugins):
///   ansible's own results as JSON lines, nothing scraped;
/// - ssh: `-o ControlMaster=no` (a ControlPersist master would outlive the
///   unit) and, unless `params.tty` is false, `-tt`: the remote command runs
///   on a pty, so when the unit is killed at its deadline sshd closes the pty
///   and the remote command gets SIGHUP. Pipelining is off (it does not work
///   over a pty).
struct JobInvocation: Equatable {
    static let knownParams = [
        "user", "port", "identity_file", "known_hosts_file", "host_key_checking", "connect_timeout", "forks",
        "python_interpreter", "tty", "ansible", "ansible_playbook", "callback_dir", "extra_vars",
    ]
    var argv: [String]
    var environment: [String: String]

    init(request: JobRequest, callbackDir: String, baseEnvironment: [String: String]) throws(JobBadRequest) {
        let p = JobParams(request.params)
        let unknown = request.params.keys.filter { !Self.knownParams.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw JobBadRequest(
                "unknown params \(unknown.joined(separator: ", ")) (the ansible job executor knows \(Self.knownParams.joined(separator: ", ")))"
            )
        }
        guard !request.hosts.isEmpty else { throw JobBadRequest("no hosts") }
        for host in request.hosts
        where host.isEmpty || host.hasPrefix("-") || host.contains(where: { $0 == "," || $0.isWhitespace }) {
            throw JobBadRequest("host \(host.debugDescription) is not a host name or address")
        }
        var vars = try p.object("extra_vars") ?? [:]
        if let user = try p.string("user") { vars["ansible_user"] = .string(user) }
        if let port = try p.int("port") {
            guard (1...65535).contains(port) else { throw JobBadRequest("params.port must be 1-65535") }
            vars["ansible_port"] = .number(Double(port))
        }
        if let key = try p.string("identity_file") { vars["ansible_ssh_private_key_file"] = .string(key) }
        // Interpreter discovery pipes a script into python, which hangs on a pty.
        vars["ansible_python_interpreter"] = .string(try p.string("python_interpreter") ?? "/usr/bin/python3")
        var sshArgs = "-o ControlMaster=no -o ControlPath=none"
        if let file = try p.string("known_hosts_file") {
            do {
                sshArgs += " -o UserKnownHostsFile=\(try RemoteShell.quote(file))"
            } catch {
                throw JobBadRequest("params.known_hosts_file: \(error)")
            }
        }
        let tty = try p.bool("tty") ?? true
        let timeout = try p.int("connect_timeout") ?? 10
        let forks = try p.int("forks") ?? min(50, request.hosts.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: (try? encoder.encode(vars)) ?? Data("{}".utf8), as: UTF8.self)
        let inventory = request.hosts.joined(separator: ",") + ","
        switch request.task.kind {
        case .adhoc:
            guard let module = request.task.module, !module.isEmpty else {
                throw JobBadRequest("task.module is empty")
            }
            argv = [try p.string("ansible") ?? "ansible", "all", "-i", inventory, "-m", module]
            if let args = request.task.args, !args.isEmpty { argv += ["-a", args] }
        case .playbook:
            guard let playbook = request.task.playbook, !playbook.isEmpty else {
                throw JobBadRequest("task.playbook is empty")
            }
            argv = [try p.string("ansible_playbook") ?? "ansible-playbook", "-i", inventory, playbook]
        }
        argv += [
            "--forks", String(max(1, forks)), "--timeout", String(max(1, timeout)), "--extra-vars", json,
        ]
        var env = baseEnvironment
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_FORCE_COLOR"] = nil
        env["ANSIBLE_RETRY_FILES_ENABLED"] = "0"
        env["ANSIBLE_HOST_KEY_CHECKING"] = (try p.bool("host_key_checking") ?? true) ? "True" : "False"
        env["ANSIBLE_PIPELINING"] = "False"
        env["ANSIBLE_SSH_ARGS"] = sshArgs
        env["ANSIBLE_SSH_EXTRA_ARGS"] = tty ? "-tt" : nil
        env["ANSIBLE_CALLBACK_PLUGINS"] = callbackDir
        env["ANSIBLE_STDOUT_CALLBACK"] = "promshard_job"
        env["ANSIBLE_LOAD_CALLBACK_PLUGINS"] = "True"
        env["ANSIBLE_CALLBACKS_ENABLED"] = ""
        env["ANSIBLE_DEPRECATION_WARNINGS"] = "False"
        environment = env
    }
}

/// The request cannot be run (exit 2).
struct JobBadRequest: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Typed access to `params`, with the parameter named in every error.
struct JobParams {
    var params: [String: JSONValue]
    init(_ params: [String: JSONValue]) { self.params = params }

    func string(_ key: String) throws(JobBadRequest) -> String? {
        guard let v = params[key], v != .null else { return nil }
        guard case .string(let s) = v, !s.isEmpty, !s.unicodeScalars.contains(where: { $0.value < 0x20 })
        else {
            throw JobBadRequest("params.\(key) must be a non-empty string")
        }
        return s
    }
    func int(_ key: String) throws(JobBadRequest) -> Int? {
        guard let v = params[key], v != .null else { return nil }
        guard case .number(let n) = v, n.rounded() == n, n >= 0 else {
            throw JobBadRequest("params.\(key) must be a whole number")
        }
        return Int(n)
    }
    func bool(_ key: String) throws(JobBadRequest) -> Bool? {
        guard let v = params[key], v != .null else { return nil }
        guard case .bool(let b) = v else { throw JobBadRequest("params.\(key) must be true or false") }
        return b
    }
    func object(_ key: String) throws(JobBadRequest) -> [String: JSONValue]? {
        guard let v = params[key], v != .null else { return nil }
        guard case .object(let o) = v else { throw JobBadRequest("params.\(key) must be a mapping") }
        return o
    }
}
