import PromshardExecutorKit
import PromshardProtocol

/// The `params` of the `scp` executor, validated. Anything wrong is a bad
/// request (exit 2) whose message names the parameter.
struct ScpSettings: Equatable {
    /// How the collector is asked to reload after the copy.
    enum Reload: Equatable {
        /// HTTP POST to the request's `reload_url` (skipped when it has none).
        case http
        /// This argv, run on the collector's host over ssh.
        case command([String])
        /// No reload.
        case none
    }

    /// Host key checking of ssh.
    enum KnownHosts: String, Equatable {
        /// `StrictHostKeyChecking=yes`: the host key must already be known.
        case strict
        /// `StrictHostKeyChecking=accept-new`: unknown keys are recorded, changed keys refused.
        case acceptNew = "accept-new"
        /// `StrictHostKeyChecking=no`, `UserKnownHostsFile=/dev/null`: no checking at all.
        case off
    }

    static let knownKeys = [
        "user", "port", "identity_file", "known_hosts", "known_hosts_file", "connect_timeout", "reload",
        "reload_command", "ssh_options", "ssh_config_file", "legacy_scp",
    ]
    /// ssh options that have a parameter of their own, or that must not change.
    static let reservedOptions: [String: String] = [
        "batchmode": "BatchMode is always yes (no prompt can be answered)",
        "connecttimeout": "use params.connect_timeout",
        "stricthostkeychecking": "use params.known_hosts",
        "userknownhostsfile": "use params.known_hosts_file",
        "identityfile": "use params.identity_file",
        "port": "use params.port",
        "user": "use params.user",
        "proxycommand": "it runs a local command; use ProxyJump",
        "localcommand": "it runs a local command",
        "permitlocalcommand": "it runs a local command",
        "knownhostscommand": "it runs a local command",
        "remotecommand": "the executor decides the remote commands",
    ]

    var user: String?
    var port = 22
    var identityFile: String?
    var knownHosts = KnownHosts.strict
    var knownHostsFile: String?
    var connectTimeout = 5
    var reload = Reload.http
    var sshOptions: [String] = []
    var sshConfigFile: String?
    var legacyScp = false

    init() {}

    init(_ request: ExecutorRequest) throws(ExecutorBadRequest) {
        try request.rejectUnknownParams(known: Self.knownKeys, executor: "scp")
        if let user = try request.stringParam("user") {
            guard Self.isSafeName(user) else {
                throw ExecutorBadRequest(
                    "params.user \(user.debugDescription) is not a user name (letters, digits, . _ -; not starting with -)"
                )
            }
            self.user = user
        }
        if let port = try request.sshPortParam() { self.port = port }
        identityFile = try request.pathParam("identity_file")
        if let mode = try request.choiceParam("known_hosts", ["strict", "accept-new", "off"]) {
            knownHosts = KnownHosts(rawValue: mode) ?? .strict
        }
        knownHostsFile = try request.pathParam("known_hosts_file")
        if let timeout = try request.connectTimeoutParam() { connectTimeout = timeout }
        let command = try request.stringListParam("reload_command")
        switch try request.choiceParam("reload", ["http", "command", "none"]) ?? "http" {
        case "command":
            guard let command, !command.isEmpty else {
                throw ExecutorBadRequest(
                    "params.reload is command but params.reload_command (a list of strings) is missing or empty"
                )
            }
            do {
                _ = try RemoteShell.commandLine(command)
            } catch {
                throw ExecutorBadRequest("params.reload_command: \(error)")
            }
            reload = .command(command)
        case "none": reload = .none
        default:
            if command != nil {
                throw ExecutorBadRequest("params.reload_command is set but params.reload is not command")
            }
            reload = .http
        }
        for (i, option) in (try request.stringListParam("ssh_options") ?? []).enumerated() {
            try Self.checkOption(option, index: i)
            sshOptions.append(option)
        }
        sshConfigFile = try request.pathParam("ssh_config_file")
        legacyScp = try request.boolParam("legacy_scp") ?? false
    }

    /// A user or host name that cannot be taken for an option or carry a second argument.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("-")
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._-".unicodeScalars.contains($0)
            }
    }

    /// A host: a name or IPv4 address, or an IPv6 address (with an optional zone).
    static func isSafeHost(_ host: String) -> Bool {
        !host.isEmpty && !host.hasPrefix("-")
            && host.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || ".-_:%".unicodeScalars.contains($0)
            }
    }

    /// `-o` values: `Name=value`, an option name of letters and digits, no control characters.
    static func checkOption(_ option: String, index: Int) throws(ExecutorBadRequest) {
        let label = "params.ssh_options[\(index)]"
        guard let equals = option.firstIndex(of: "="), equals != option.startIndex else {
            throw ExecutorBadRequest("\(label) \(option.debugDescription) must look like Name=value")
        }
        let name = option[..<equals]
        guard
            name.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            })
        else {
            throw ExecutorBadRequest(
                "\(label) \(option.debugDescription): \(String(name).debugDescription) is not an ssh option name"
            )
        }
        guard !option.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ExecutorBadRequest("\(label) \(option.debugDescription) contains a control character")
        }
        if let why = reservedOptions[name.lowercased()] {
            throw ExecutorBadRequest("\(label): \(name) cannot be set here: \(why)")
        }
    }

}
