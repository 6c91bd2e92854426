import Foundation
import Logging
import PromshardConfig
import PromshardMetrics
import PromshardProtocol

/// The mass-removal guard (`targets.max_drop`, `targets.drop_hold`) in the
/// discovery engine: every publication of `targets` goes through
/// ``DropGuard``, which decides; this file logs, records metrics and wakes
/// the engine when a hold expires.
extension DiscoveryEngine {
    /// A SIGHUP confirmed the config: removals held now, and one the next
    /// round finds (target files are re-read at once), are applied.
    public func confirmDrops() {
        guard let config else { return }
        for service in config.services where !service.targets.files.isEmpty { refreshFiles(service) }
        drops.confirm(services: Set(config.services.map(\.name)))
        publishIfChanged()
    }

    /// The `targets` this role published before a restart (the supervisor's
    /// replay): the guard measures the first round against it.
    public func resumeDropGuard(from body: TargetsBody) {
        drops.resume(from: body.services)
    }

    /// `body` with each service's removals held back where the guard says so.
    func guarded(_ body: TargetsBody) -> TargetsBody {
        guard let config else { return body }
        var out = body
        let now = ContinuousClock.now
        let wallMs = Int64(Date().timeIntervalSince1970 * 1000)
        for service in config.services {
            let policy = DropGuard.Policy(maxDrop: service.targets.maxDrop, hold: service.targets.dropHold)
            let (groups, event) = drops.filter(
                service.name, proposed: body.services[service.name] ?? [], policy: policy, now: now,
                wallMs: wallMs)
            out.services[service.name] = groups
            if let event { report(event) }
        }
        let held = drops.held
        out.held = held.isEmpty ? nil : held
        for service in config.services {
            Instruments.targetsDropHeld(
                service: service.name, targets: held.first { $0.service == service.name }?.removed ?? 0)
        }
        armDropTimer()
        return out
    }

    /// Wakes the engine when the earliest hold expires, so a held removal is
    /// applied on time even when nothing else changes.
    private func armDropTimer() {
        guard let next = drops.nextExpiry else {
            dropTimer?.task.cancel()
            dropTimer = nil
            return
        }
        if let timer = dropTimer, timer.at == next { return }
        dropTimer?.task.cancel()
        let task = Task {
            try? await Task.sleep(until: next, clock: .continuous)
            guard !Task.isCancelled else { return }
            self.dropTimer = nil
            self.publishIfChanged()
        }
        dropTimer = (next, task)
    }

    private func report(_ event: DropGuard.Event) {
        let logger = Logger(label: "discovery")
        func metadata(_ d: HeldDrop) -> Logger.Metadata {
            [
                "service": "\(d.service)", "removed": "\(d.removed)", "previous": "\(d.previous)",
                "removed_percent": "\(d.removedPercent)", "max_drop": "\(Int((d.maxDrop * 100).rounded()))%",
            ]
        }
        switch event {
        case .held(let d):
            var m = metadata(d)
            m["drop_hold"] = "\(Duration.milliseconds(d.untilMs - d.sinceMs).shortDescription)"
            logger.warning(
                "holding a mass removal of targets (targets.max_drop); send SIGHUP to confirm it", metadata: m
            )
            Instruments.targetDrop(service: d.service, outcome: "held")
        case .expired(let d):
            logger.warning(
                "applying the held removal of targets: it persisted for drop_hold", metadata: metadata(d))
            Instruments.targetDrop(service: d.service, outcome: "expired")
        case .confirmed(let d):
            logger.info("applying the removal of targets: confirmed by SIGHUP", metadata: metadata(d))
            Instruments.targetDrop(service: d.service, outcome: "confirmed")
        case .withdrawn(let d):
            logger.info("targets are back: held removal withdrawn", metadata: metadata(d))
            Instruments.targetDrop(service: d.service, outcome: "withdrawn")
        }
    }
}
