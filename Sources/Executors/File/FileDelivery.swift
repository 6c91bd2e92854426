import PromshardCurl
import PromshardExecutorKit
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The `file` executor's `run`: install the rendered file at `file.dest` on
/// this machine, then ask the collector to reload.
///
/// - The copy is atomic (see ``AtomicFile/replace(_:with:mode:)``), mode 0644,
///   parent directories created as needed.
/// - If `dest` already holds the same bytes the write is skipped
///   (`changed: false`) and so is the reload, unless `params.always_reload` is
///   true or an earlier reload of this file failed (a hidden
///   `.<dest>.promshard-reload-pending` marker next to `dest` remembers that,
///   so a retry of a delivery whose reload failed still reloads).
/// - The reload is an HTTP POST to `reload_url` whose timeout ends shortly
///   before the request's deadline (at most ``maxReloadTimeout``).
enum FileDelivery {
    /// Permission bits of the installed file.
    static let mode: mode_t = 0o644
    /// Upper bound of the reload POST's timeout.
    static let maxReloadTimeout: Duration = .seconds(30)
    /// Kept free before the deadline so that a slow reload is reported by us,
    /// not by the caller's SIGTERM.
    static let deadlineMargin: Duration = .milliseconds(150)

    static func run(_ request: ExecutorRequest, _ context: ExecutorContext) throws(ExecutorBadRequest)
        -> ExecutorResult
    {
        let alwaysReload = try request.boolParam("always_reload") ?? false
        let source = request.file.path
        let dest = request.file.dest
        guard !source.isEmpty else { throw ExecutorBadRequest("file.path is empty") }
        guard !dest.isEmpty else { throw ExecutorBadRequest("file.dest is empty") }
        guard !dest.hasSuffix("/") else { throw ExecutorBadRequest("file.dest \(dest) names a directory") }
        let reloadURL = request.reloadURL.flatMap { $0.isEmpty ? nil : $0 }

        let content: [UInt8]
        let unchanged: Bool
        do {
            content = try AtomicFile.read(source)
            unchanged = AtomicFile.hasContent(dest, content)
            if unchanged {
                try AtomicFile.ensureMode(dest, mode)
            } else {
                try AtomicFile.replace(dest, with: content, mode: mode)
            }
        } catch {
            return ExecutorResult(status: .failed, message: error.message, changed: false)
        }
        let written =
            unchanged
            ? "\(dest) unchanged (\(content.count) bytes)" : "wrote \(dest) (\(content.count) bytes)"
        context.progress(written)

        guard let reloadURL else {
            return ExecutorResult(status: .ok, message: written, changed: !unchanged)
        }
        let marker = reloadPendingMarker(for: dest)
        let pending = AtomicFile.exists(marker)
        guard !unchanged || alwaysReload || pending else {
            return ExecutorResult(status: .ok, message: "\(written); reload skipped", changed: false)
        }

        let outcome = reload(reloadURL, context: context)
        if outcome.ok {
            if pending { unlink(marker) }
        } else {
            // Remember that the collector has not seen this file yet.
            try? AtomicFile.touch(marker)
        }
        return ExecutorResult(
            status: outcome.ok ? .ok : .failed, message: "\(written); \(outcome.message)", changed: !unchanged
        )
    }

    /// Path of the marker that records a failed reload of `dest`.
    static func reloadPendingMarker(for dest: String) -> String {
        "\(AtomicFile.directory(of: dest))/.\(AtomicFile.baseName(of: dest)).promshard-reload-pending"
    }

    /// POSTs the reload URL; returns whether it answered 2xx and a message.
    private static func reload(_ url: String, context: ExecutorContext) -> (ok: Bool, message: String) {
        let budget = min(context.remaining - deadlineMargin, maxReloadTimeout)
        if budget >= .milliseconds(10) {
            context.progress("reload \(url) (timeout \(budget.wholeMilliseconds) ms)")
        }
        return ReloadPost.send(url, timeout: budget)
    }
}
