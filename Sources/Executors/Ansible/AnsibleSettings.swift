import PromshardExecutorKit
import PromshardProtocol

/// The `params` of the `ansible` executor, validated; anything wrong is a
/// bad request (exit 2) naming the parameter.
struct AnsibleSettings: Equatable {
    static let knownKeys = [
        "playbook", "user", "port", "identity_file", "host_key_checking", "known_hosts_file",
        "connect_timeout",
        "python_interpreter", "reload", "extra_vars", "ansible_playbook", "pipelining",
    ]
    /// Extra vars the executor sets itself.
    static let reservedVars = [
        "src_sd_file_name", "dest_sd_file_name", "service_port", "reload_url", "promshard_reload",
        "ansible_port",
        "ansible_user", "ansible_ssh_private_key_file", "ansible_ssh_common_args",
        "ansible_python_interpreter",
    ]

    /// `playbook`, if given (else ``PlaybookLocator`` finds the shipped one).
    var playbook: String?
    var user: String?
    var port: Int?
    var identityFile: String?
    /// `host_key_checking` (default true): ANSIBLE_HOST_KEY_CHECKING.
    var hostKeyChecking = true
    var knownHostsFile: String?
    /// `connect_timeout` in seconds (default 5): `ansible-playbook --timeout`.
    var connectTimeout = 5
    var pythonInterpreter: String?
    /// `reload` (default true): the playbook's `promshard_reload`.
    var reload = true
    var extraVars: [String: JSONValue] = [:]
    /// `ansible_playbook`: the program (default `ansible-playbook`, found in PATH).
    var program = "ansible-playbook"
    /// `pipelining` (default true): ANSIBLE_PIPELINING, fewer ssh round trips.
    var pipelining = true

    init() {}

    init(_ request: ExecutorRequest) throws(ExecutorBadRequest) {
        try request.rejectUnknownParams(known: Self.knownKeys, executor: "ansible")
        playbook = try request.pathParam("playbook")
        if let user = try request.stringParam("user") {
            guard !user.isEmpty, !user.hasPrefix("-"), !user.contains(where: { $0.isWhitespace || $0 == "@" })
            else {
                throw ExecutorBadRequest("params.user \(user.debugDescription) is not a user name")
            }
            self.user = user
        }
        if let port = try request.sshPortParam() { self.port = port }
        identityFile = try request.pathParam("identity_file")
        hostKeyChecking = try request.boolParam("host_key_checking") ?? true
        knownHostsFile = try request.pathParam("known_hosts_file")
        if let timeout = try request.connectTimeoutParam() { connectTimeout = timeout }
        pythonInterpreter = try request.pathParam("python_interpreter")
        reload = try request.boolParam("reload") ?? true
        extraVars = try request.objectParam("extra_vars") ?? [:]
        if let clash = extraVars.keys.sorted().first(where: { Self.reservedVars.contains($0) }) {
            throw ExecutorBadRequest(
                "params.extra_vars.\(clash) is set by the executor (from the request or a dedicated param)")
        }
        program = try request.pathParam("ansible_playbook") ?? program
        pipelining = try request.boolParam("pipelining") ?? true
    }

}
