import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

// promshard-exec-job: the `ansible` job executor (protocol v1, request kind
// "job"). It reads the unit's request, then replaces itself with `ansible`
// or `ansible-playbook` (same pid, same process group: the engine's deadline
// kill reaches everything ansible starts). The callback plugin writes the
// host lines and the final result line.

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("promshard-exec-job: \(message)\n".utf8))
    print(#"{"message":"\#(message.replacingOccurrences(of: "\"", with: "'"))","status":"failed"}"#)
    exit(code)
}

/// Where the `promshard_job` callback plugin is: `params.callback_dir`,
/// `$PROMSHARD_PLUGINS_DIR/ansible/callback_plugins`, then the install locations.
func callbackDirectory(_ request: JobRequest) -> String? {
    if case .string(let dir)? = request.params["callback_dir"] { return dir }
    let env = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let dir = env["PROMSHARD_PLUGINS_DIR"], !dir.isEmpty {
        candidates.append("\(dir)/ansible/callback_plugins")
    }
    let exe =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    let prefix =
        (((exe as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString)
    candidates.append(prefix.appendingPathComponent("share/promshard/plugins/ansible/callback_plugins"))
    candidates += [
        "/usr/share/promshard/plugins/ansible/callback_plugins",
        "/etc/promshard/plugins/ansible/callback_plugins",
    ]
    return candidates.first { FileManager.default.fileExists(atPath: "\($0)/promshard_job.py") }
}

/// `name` looked up in `path` (a name with a `/` is used as is).
func resolveProgram(_ name: String, path: String) -> String {
    if name.contains("/") { return name }
    for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 {
        return "\(dir)/\(name)"
    }
    return name
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "describe":
    print(#"{"name":"ansible-job","protocol":1,"version":"\#(promshardVersion)"}"#)
    exit(0)
case "run":
    let input = FileHandle.standardInput.readDataToEndOfFile()
    guard let request = try? JSONDecoder().decode(JobRequest.self, from: input) else {
        fail("the request on stdin is not a job request (protocol 1, kind \"job\")", code: 2)
    }
    guard request.protocol == executorProtocolVersion, request.kind == "job" else {
        fail("unsupported request: protocol \(request.protocol), kind \(request.kind)", code: 2)
    }
    guard let callbackDir = callbackDirectory(request) else {
        fail(
            "the promshard_job callback plugin is not installed; set PROMSHARD_PLUGINS_DIR or params.callback_dir",
            code: 2)
    }
    let invocation: JobInvocation
    do {
        invocation = try JobInvocation(
            request: request, callbackDir: callbackDir, baseEnvironment: ProcessInfo.processInfo.environment)
    } catch {
        fail(error.message, code: 2)
    }
    let argv = invocation.argv.map { strdup($0) } + [nil]
    let envp = invocation.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    let program = resolveProgram(invocation.argv[0], path: invocation.environment["PATH"] ?? "/usr/bin:/bin")
    execve(program, argv, envp)
    fail("cannot run \(invocation.argv[0]): \(String(cString: strerror(errno)))", code: 1)
default:
    fail("usage: promshard-exec-job describe | run", code: 2)
}
