import Foundation
import PromshardExecutorHost
import PromshardProtocol

/// Runs one claimed unit: one executor process (protocol v1, request kind
/// `job`) in its own process group under the unit's deadline.
///
/// - Host lines are recorded as they arrive (batched every 200 ms), so a
///   unit killed at its deadline keeps the results it already had.
/// - The lease is renewed every ``renewEvery``; a renewal that finds the job
///   canceled, or the unit taken over, cancels the run: the executor's
///   whole group is SIGKILLed.
/// - At the end the unit's hosts still pending get `timeout` (deadline),
///   `failed` (the executor ended without a line for them) or nothing (lease
///   lost: the new owner runs them).
public struct UnitRunner: Sendable {
    public var store: any JobStore
    public var executable: String
    public var params: [String: JSONValue]
    public var leaseMs: Int64
    public var killGrace: Duration
    public var renewEvery: Duration
    public var flushEvery: Duration = .milliseconds(200)

    public init(
        store: any JobStore, executable: String, params: [String: JSONValue], leaseMs: Int64,
        killGrace: Duration, renewEvery: Duration? = nil
    ) {
        self.store = store
        self.executable = executable
        self.params = params
        self.leaseMs = leaseMs
        self.killGrace = killGrace
        self.renewEvery = renewEvery ?? .milliseconds(max(100, min(leaseMs / 3, 2000)))
    }

    /// How a unit run ended.
    public enum End: Sendable, Equatable {
        case finished(DeliveryStatus)
        case canceled
        case leaseLost
        case storeFailed(String)
    }

    /// Runs the unit to its end; never throws.
    public func run(_ unit: ClaimedUnit) async -> End {
        guard !unit.hosts.isEmpty else {
            _ = try? await store.finish(unit, leftover: .failed, msg: "", nowMs: nowMs())
            return .finished(.ok)
        }
        let hosts = Set(unit.hosts)
        let buffer = Locked<[HostResult]>([])
        let request = JobRequest(
            job: unit.job, unit: unit.unit, hosts: unit.hosts, task: unit.task, params: params,
            deadlineMs: unit.timeoutMs)
        let stop = Locked<LeaseState>(.held)
        let executable = self.executable
        let runner = ExecutorRunner(killGrace: killGrace)
        let execution = Task {
            await runner.run(
                executable: executable, request: request, deadline: .milliseconds(unit.timeoutMs),
                onLine: { line in
                    guard let result = Self.parse(line, unit: unit, hosts: hosts) else { return }
                    buffer.withLock { $0.append(result) }
                })
        }
        let store = self.store
        let renewEvery = self.renewEvery
        let leaseMs = self.leaseMs
        let flushEvery = self.flushEvery
        let helpers = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: renewEvery)
                        if Task.isCancelled { return }
                        guard let state = try? await store.renew(unit, leaseMs: leaseMs, nowMs: nowMs())
                        else {
                            continue
                        }
                        if state != .held {
                            stop.withLock { $0 = state }
                            execution.cancel()
                            return
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: flushEvery)
                        let batch = buffer.withLock { b in
                            defer { b.removeAll() }
                            return b
                        }
                        guard !batch.isEmpty else { continue }
                        // Cancelled in the middle of a write (the run ended): the final flush records them.
                        if (try? await store.record(batch, for: unit)) == nil {
                            buffer.withLock { $0.insert(contentsOf: batch, at: 0) }
                        }
                    }
                }
            }
        }
        let outcome = await withTaskCancellationHandler {
            await execution.value
        } onCancel: {
            execution.cancel()
        }
        helpers.cancel()
        await helpers.value
        let state = stop.withLock { $0 }
        if state == .lost { return .leaseLost }
        if Task.isCancelled { return .canceled }
        do {
            let batch = buffer.withLock { b in
                defer { b.removeAll() }
                return b
            }
            try await store.record(batch, for: unit)
            if state == .canceled { return .canceled }
            let (leftover, msg) = Self.leftover(outcome)
            try await store.finish(unit, leftover: leftover, msg: msg, nowMs: nowMs())
        } catch {
            return .storeFailed("\(error)")
        }
        return .finished(outcome.status)
    }

    /// The result a host line stands for, nil for other lines (the final
    /// result line, logs) and for hosts that are not this unit's.
    static func parse(_ line: String, unit: ClaimedUnit, hosts: Set<String>) -> HostResult? {
        guard line.hasPrefix("{"), line.contains("\"host\""),
            let parsed = try? JSONDecoder().decode(JobHostLine.self, from: Data(line.utf8)),
            hosts.contains(parsed.host)
        else { return nil }
        return HostResult.from(parsed, job: unit.job, unit: unit.unit, nowMs: nowMs())
    }

    /// Status and message of the hosts the executor left without a line.
    static func leftover(_ outcome: ExecutorOutcome) -> (HostStatus, String) {
        switch outcome.status {
        case .timeout: return (.timeout, outcome.message)
        default:
            let stderr =
                outcome.stderrTail.split(whereSeparator: \.isNewline).last.map { "; stderr: \($0)" } ?? ""
            return (
                .failed,
                "no result from the executor (\(outcome.status.rawValue): \(outcome.message))\(stderr)"
            )
        }
    }
}

/// Unix time in milliseconds.
func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
