import Foundation
import Logging
import PromshardConfig
import PromshardProtocol
import PromshardRuntime
import ServiceLifecycle

/// The `jobs` child (started when `jobs:` is configured): runs this
/// instance's share of the job units from the job store, and publishes the
/// store's active jobs with its own running units on `jobs.running`.
///
/// A new config with other `jobs:` settings restarts the engine (running
/// units are killed and re-claimed once their lease expires).
public enum JobsChild {
    /// Runs until graceful shutdown (SIGTERM) or EOF from the supervisor.
    public static func run(bus: ChildBus) async {
        let logger = Logger(label: "jobs")
        var engine: Task<Void, Never>?
        var current: (JobsSettings, String)?
        defer { engine?.cancel() }
        for await message in bus.start(subscribe: [.config]).cancelOnGracefulShutdown() {
            guard message.topic == .config else { continue }
            let config: PromshardConfig
            do {
                config = try message.body(PromshardConfig.self)
            } catch {
                logger.error("cannot decode config", metadata: ["error": "\(error)"])
                continue
            }
            guard let settings = config.jobs else {
                engine?.cancel()
                engine = nil
                current = nil
                continue
            }
            if let current, current.0 == settings, current.1 == config.stateDir { continue }
            engine?.cancel()
            if let engine { await engine.value }
            current = (settings, config.stateDir)
            let store: any JobStore
            do {
                store = try JobStoreOpener.open(settings, stateDir: config.stateDir)
            } catch {
                logger.error("cannot open the job store", metadata: ["error": "\(error)"])
                // The status page says why no job runs here (the error never holds a password).
                bus.publish(
                    .jobsRunning,
                    JobsRunningReport.body(
                        active: [], runningHere: [:], instance: JobsEngine.defaultOwner,
                        workers: settings.workers,
                        nowMs: Int64(Date().timeIntervalSince1970 * 1000),
                        error: "cannot open the job store: \(error)"))
                engine = nil
                continue
            }
            let runner = UnitRunner(
                store: store, executable: JobsExecutorLocator.resolve(settings.executor),
                params: settings.params,
                leaseMs: settings.lease.wholeMilliseconds,
                killGrace: settings.killGrace)
            let jobs = JobsEngine(store: store, runner: runner, workers: settings.workers)
            let report = JobsRunningPublisher(
                store: store, unitsHere: jobs.unitsHere, instance: jobs.owner, workers: jobs.workers)
            logger.info(
                "running job units",
                metadata: [
                    "store": "\(settings.redactedStore)", "workers": "\(settings.workers)",
                    "executor": "\(settings.executor)",
                ])
            engine = Task {
                async let running: Void = report.run { bus.publish(.jobsRunning, $0) }
                await jobs.run()
                await running
            }
        }
        engine?.cancel()
        if let engine { await engine.value }
    }
}
