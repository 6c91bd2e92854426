import PromshardExecutorKit
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The `scp` executor's `run`: copy the rendered file to `file.dest` on the
/// collector's host and make the collector reload.
///
/// 1. `scp` uploads to `<dest>.promshard-tmp-<random>` next to `dest` (same
///    directory, so the rename is atomic; Prometheus' `*.json` globs do not
///    match it);
/// 2. `ssh host chmod 0644 -- TMP && mv -f -- TMP DEST` puts it in place (on
///    failure, `rm -f -- TMP` is attempted);
/// 3. the reload: HTTP POST to `reload_url` (default), or `reload_command`
///    over ssh, or none.
///
/// Every step has a timeout that ends ``deadlineMargin`` before the
/// request's deadline, so a hung step is reported by the executor itself.
/// The helpers' stderr is copied to this executor's stderr (the caller keeps
/// its tail); the result message names the step that failed and its last line.
enum ScpDelivery {
    /// Kept free before the deadline.
    static let deadlineMargin: Duration = .milliseconds(300)

    static func run(_ request: ExecutorRequest, _ context: ExecutorContext) throws(ExecutorBadRequest)
        -> ExecutorResult
    {
        let settings = try ScpSettings(request)
        let commands = try SshCommands(settings: settings, host: request.collector.address)
        let dest = request.file.dest
        guard dest.hasPrefix("/"), !dest.hasSuffix("/") else {
            throw ExecutorBadRequest(
                "file.dest \(dest.debugDescription) must be an absolute file path on the collector's host")
        }
        guard !dest.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) else {
            throw ExecutorBadRequest("file.dest \(dest.debugDescription) contains a line break or NUL")
        }
        guard !request.file.path.isEmpty else { throw ExecutorBadRequest("file.path is empty") }
        guard access(request.file.path, R_OK) == 0 else {
            return ExecutorResult(
                status: .failed,
                message: "cannot read \(request.file.path): \(String(cString: strerror(errno)))")
        }
        let temporary = "\(dest).promshard-tmp-\(randomSuffix())"
        let target = "\(commands.sshDestination) port \(settings.port)"

        context.progress("scp \(request.file.path) to \(commands.scpHostPrefix)\(temporary)")
        let copy = step(try commands.copy(local: request.file.path, remote: temporary), context)
        guard copy.ok else {
            return failed("copy to \(target) failed", copy)
        }
        context.progress("install \(dest) on \(target)")
        let install = step(try commands.install(temporary: temporary, dest: dest), context)
        guard install.ok else {
            _ = step(try commands.remove(temporary), context)
            return failed("install of \(dest) on \(target) failed", install)
        }
        let copied = "copied \(dest) to \(target)"

        switch settings.reload {
        case .none:
            return ExecutorResult(
                status: .ok, message: "\(copied); no reload (params.reload: none)", changed: true)
        case .http:
            guard let url = request.reloadURL, !url.isEmpty else {
                return ExecutorResult(
                    status: .ok, message: "\(copied); no reload_url, no reload", changed: true)
            }
            context.progress("reload \(url)")
            let reload = HTTPReload.post(url, budget: context.remaining - deadlineMargin)
            return ExecutorResult(
                status: reload.ok ? .ok : .failed, message: "\(copied); \(reload.message)", changed: true)
        case .command(let argv):
            context.progress("reload: \(argv.joined(separator: " ")) on \(target)")
            let reload = step(try commands.reload(argv), context)
            guard reload.ok else {
                var result = failed("reload command on \(target) failed", reload)
                result.message = "\(copied); \(result.message)"
                result.changed = true
                return result
            }
            return ExecutorResult(
                status: .ok, message: "\(copied); reload command: exit code 0", changed: true)
        }
    }

    /// What one helper did.
    struct Step {
        var ok: Bool
        var detail: String
    }

    /// Runs one helper within the time left; its stderr goes to ours.
    static func step(_ argv: [String], _ context: ExecutorContext) -> Step {
        let budget = context.remaining - deadlineMargin
        guard budget > .milliseconds(50) else {
            return Step(ok: false, detail: "no time left before the deadline")
        }
        do {
            let result = try CommandRunner.run(argv, timeout: budget, killGrace: .milliseconds(200))
            if !result.stderr.isEmpty { ExecutorOutput.log(result.stderr.trimmingSuffixNewlines()) }
            if result.succeeded { return Step(ok: true, detail: "") }
            let said = result.lastOutputLines().map { ": \($0)" } ?? ""
            return Step(ok: false, detail: "\(argv[0]) \(result.summary)\(said)")
        } catch {
            return Step(ok: false, detail: error.message)
        }
    }

    static func failed(_ what: String, _ step: Step) -> ExecutorResult {
        ExecutorResult(status: .failed, message: "\(what): \(step.detail)", changed: false)
    }

    /// 16 hex digits from the system's random generator.
    static func randomSuffix() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var s = self
        while s.last == "\n" || s.last == "\r" { s.removeLast() }
        return s
    }
}
