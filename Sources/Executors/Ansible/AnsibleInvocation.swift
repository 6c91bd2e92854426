import Foundation
import PromshardProtocol

/// The `ansible-playbook` command line and environment for one request
/// (pure: argv array, no shell).
///
/// - inventory: just the collector's host (`-i "<address>,"`);
/// - `--extra-vars` JSON: `src_sd_file_name`, `dest_sd_file_name`,
///   `service_port`, `reload_url` (`""` when none), `promshard_reload`, the
///   connection vars from params, then `params.extra_vars`;
/// - environment: ANSIBLE_NOCOLOR=1, ANSIBLE_RETRY_FILES_ENABLED=0,
///   ANSIBLE_HOST_KEY_CHECKING, ANSIBLE_PIPELINING, a private
///   ANSIBLE_LOCAL_TEMP, and ANSIBLE_SSH_ARGS without ControlMaster
///   (ansible's default ControlPersist would leave an ssh master running
///   after the executor, outside its deadline).
struct AnsibleInvocation: Equatable {
    var argv: [String]
    var environment: [String: String]

    init(
        request: ExecutorRequest, settings: AnsibleSettings, playbook: String, temporaryDirectory: String,
        baseEnvironment: [String: String]
    ) throws(AnsibleInvocationError) {
        let host = request.collector.address
        guard !host.isEmpty, !host.hasPrefix("-"), !host.contains(where: { $0 == "," || $0.isWhitespace })
        else {
            throw AnsibleInvocationError(
                message: "collector.address \(host.debugDescription) is not a host name or address")
        }
        var vars = settings.extraVars
        vars["src_sd_file_name"] = .string(request.file.path)
        vars["dest_sd_file_name"] = .string(request.file.dest)
        vars["service_port"] = .number(Double(request.collector.port))
        vars["reload_url"] = .string(request.reloadURL ?? "")
        vars["promshard_reload"] = .bool(settings.reload)
        if let user = settings.user { vars["ansible_user"] = .string(user) }
        if let port = settings.port { vars["ansible_port"] = .number(Double(port)) }
        if let key = settings.identityFile { vars["ansible_ssh_private_key_file"] = .string(key) }
        if let python = settings.pythonInterpreter { vars["ansible_python_interpreter"] = .string(python) }
        if let file = settings.knownHostsFile {
            // Ansible splits this string like a shell would (shlex): quote the path.
            do {
                vars["ansible_ssh_common_args"] = .string(
                    "-o UserKnownHostsFile=\(try RemoteShell.quote(file))")
            } catch {
                throw AnsibleInvocationError(message: "params.known_hosts_file: \(error)")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: String
        do {
            json = String(decoding: try encoder.encode(vars), as: UTF8.self)
        } catch {
            throw AnsibleInvocationError(message: "cannot encode the extra vars: \(error)")
        }
        argv = [
            settings.program, playbook, "-i", "\(host),", "--timeout", String(settings.connectTimeout),
            "--extra-vars",
            json,
        ]
        var env = baseEnvironment
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_FORCE_COLOR"] = nil
        env["ANSIBLE_RETRY_FILES_ENABLED"] = "0"
        env["ANSIBLE_HOST_KEY_CHECKING"] = settings.hostKeyChecking ? "True" : "False"
        env["ANSIBLE_PIPELINING"] = settings.pipelining ? "True" : "False"
        env["ANSIBLE_LOCAL_TEMP"] = temporaryDirectory
        env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = "\(temporaryDirectory)/cp"
        env["ANSIBLE_SSH_ARGS"] = "-o ControlMaster=no"
        env["ANSIBLE_STDOUT_CALLBACK"] = "default"
        environment = env
    }
}

/// The request cannot be turned into an `ansible-playbook` run.
struct AnsibleInvocationError: Error {
    var message: String
}
