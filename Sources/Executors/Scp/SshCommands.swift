import PromshardExecutorKit
import PromshardProtocol

/// The argv of every program the `scp` executor runs (pure; no shell ever
/// parses them locally). Remote command lines are built from arguments
/// quoted one by one with ``RemoteShell/quote(_:)``.
struct SshCommands: Equatable {
    var settings: ScpSettings
    /// The collector's host (name or address, unbracketed).
    var host: String

    init(settings: ScpSettings, host: String) throws(ExecutorBadRequest) {
        guard ScpSettings.isSafeHost(host) else {
            throw ExecutorBadRequest(
                "collector.address \(host.debugDescription) is not a host name or address")
        }
        self.settings = settings
        self.host = host
    }

    /// `user@host` for ssh.
    var sshDestination: String {
        settings.user.map { "\($0)@\(host)" } ?? host
    }

    /// `user@host:` for scp (an IPv6 address in brackets).
    var scpHostPrefix: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return (settings.user.map { "\($0)@" } ?? "") + bracketed + ":"
    }

    /// Options shared by ssh and scp (BatchMode first: ssh keeps the first value it sees).
    var commonOptions: [String] {
        var options = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=\(settings.connectTimeout)"]
        switch settings.knownHosts {
        case .strict: options += ["-o", "StrictHostKeyChecking=yes"]
        case .acceptNew: options += ["-o", "StrictHostKeyChecking=accept-new"]
        case .off: options += ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
        }
        if settings.knownHosts != .off, let file = settings.knownHostsFile {
            options += ["-o", "UserKnownHostsFile=\(file)"]
        }
        if let identity = settings.identityFile {
            options += ["-i", identity, "-o", "IdentitiesOnly=yes"]
        }
        if let config = settings.sshConfigFile { options += ["-F", config] }
        for option in settings.sshOptions { options += ["-o", option] }
        return options
    }

    /// Copies `local` to `remote` on the host.
    func copy(local: String, remote: String) throws(ExecutorBadRequest) -> [String] {
        let localPath = local.hasPrefix("/") ? local : "./\(local)"
        // SFTP mode (the default) takes the remote path literally; the legacy
        // protocol hands it to the remote shell, so it is quoted there.
        let remotePath = settings.legacyScp ? try quoted(remote) : remote
        return ["scp"] + (settings.legacyScp ? ["-O"] : []) + ["-P", String(settings.port)] + commonOptions
            + ["--", localPath, scpHostPrefix + remotePath]
    }

    /// Renames the uploaded temporary file into place (mode 0644) on the host.
    func install(temporary: String, dest: String) throws(ExecutorBadRequest) -> [String] {
        let chmod = try commandLine(["chmod", "0644", "--", temporary])
        let move = try commandLine(["mv", "-f", "--", temporary, dest])
        return ssh("\(chmod) && \(move)")
    }

    /// Removes a temporary file left by a failed install.
    func remove(_ path: String) throws(ExecutorBadRequest) -> [String] {
        ssh(try commandLine(["rm", "-f", "--", path]))
    }

    /// Runs the configured reload command on the host.
    func reload(_ argv: [String]) throws(ExecutorBadRequest) -> [String] {
        ssh(try commandLine(argv))
    }

    private func ssh(_ remoteCommand: String) -> [String] {
        ["ssh", "-T", "-p", String(settings.port)] + commonOptions + ["--", sshDestination, remoteCommand]
    }

    private func quoted(_ argument: String) throws(ExecutorBadRequest) -> String {
        do {
            return try RemoteShell.quote(argument)
        } catch {
            throw ExecutorBadRequest("\(error)")
        }
    }

    private func commandLine(_ argv: [String]) throws(ExecutorBadRequest) -> String {
        do {
            return try RemoteShell.commandLine(argv)
        } catch {
            throw ExecutorBadRequest("\(error)")
        }
    }
}
