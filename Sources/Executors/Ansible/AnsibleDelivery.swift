import Foundation
import PromshardExecutorKit
import PromshardProtocol

/// The `ansible` executor's `run`: one `ansible-playbook` run against the
/// collector's host (see ``AnsibleInvocation``), with a timeout that ends
/// ``deadlineMargin`` before the request's deadline. Ansible's output goes
/// to this executor's stderr (the caller keeps its tail); the result message
/// says what the exit code means and quotes ansible's reason.
enum AnsibleDelivery {
    /// Kept free before the deadline.
    static let deadlineMargin: Duration = .milliseconds(500)

    static func run(_ request: ExecutorRequest, _ context: ExecutorContext) throws(ExecutorBadRequest)
        -> ExecutorResult
    {
        let settings = try AnsibleSettings(request)
        guard !request.file.path.isEmpty else { throw ExecutorBadRequest("file.path is empty") }
        guard !request.file.dest.isEmpty else { throw ExecutorBadRequest("file.dest is empty") }
        let playbook: String
        if let given = settings.playbook {
            guard FileManager.default.isReadableFile(atPath: given) else {
                throw ExecutorBadRequest("params.playbook \(given) does not exist or is not readable")
            }
            playbook = given
        } else {
            switch PlaybookLocator.find() {
            case .success(let found): playbook = found
            case .failure(let notFound): throw ExecutorBadRequest(notFound.message)
            }
        }

        let temporary: String
        do {
            temporary = try makeTemporaryDirectory()
        } catch {
            return ExecutorResult(status: .failed, message: "cannot create a temporary directory: \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }

        let invocation: AnsibleInvocation
        do {
            invocation = try AnsibleInvocation(
                request: request, settings: settings, playbook: playbook, temporaryDirectory: temporary,
                baseEnvironment: ProcessInfo.processInfo.environment)
        } catch {
            throw ExecutorBadRequest(error.message)
        }
        let host = request.collector.address
        let budget = context.remaining - deadlineMargin
        guard budget > .milliseconds(100) else {
            return ExecutorResult(
                status: .failed, message: "no time left before the deadline to run ansible-playbook")
        }
        context.progress(
            "ansible-playbook \(playbook) on \(host) (timeout \(budget.shortDescription))")
        let result: CommandResult
        do {
            result = try CommandRunner.run(
                invocation.argv, environment: invocation.environment, timeout: budget)
        } catch {
            return ExecutorResult(status: .failed, message: "cannot run ansible-playbook: \(error.message)")
        }
        let output = result.stdout + (result.stderr.isEmpty ? "" : "\n" + result.stderr)
        let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { ExecutorOutput.log(trimmed) }
        let reason = AnsibleOutcome.reason(in: output).map { ": \($0)" } ?? ""
        let changed = AnsibleOutcome.changed(in: output)

        if result.timedOut {
            return ExecutorResult(
                status: .failed,
                message:
                    "ansible-playbook on \(host) did not finish within \(budget.shortDescription), stopped\(reason)",
                changed: changed)
        }
        switch result.termination {
        case .signaled(let signal):
            return ExecutorResult(
                status: .failed,
                message: "ansible-playbook on \(host) was killed by signal \(signal)\(reason)",
                changed: changed)
        case .exited(0):
            let what =
                settings.reload ? "copied \(request.file.dest) and reloaded" : "copied \(request.file.dest)"
            return ExecutorResult(
                status: .ok, message: "ansible-playbook on \(host): \(what)", changed: changed)
        case .exited(let code):
            return ExecutorResult(
                status: .failed,
                message:
                    "ansible-playbook on \(host): \(AnsibleOutcome.meaning(ofExitCode: code)) (exit code \(code))\(reason)",
                changed: changed)
        }
    }

    private static func makeTemporaryDirectory() throws -> String {
        var template = Array("\(NSTemporaryDirectory())/promshard-ansible.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw NSError(domain: "mkdtemp", code: Int(errno))
        }
        return String(cString: made)
    }
}
