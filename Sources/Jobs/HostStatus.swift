/// Status of one host of a job. Every status but `pending` is final, and a
/// host gets exactly one final status per job.
public enum HostStatus: String, Codable, Sendable, CaseIterable, Comparable {
    /// No result yet.
    case pending
    case ok, changed, failed, unreachable, timeout, canceled, lost

    /// Whether the host is done with this status.
    public var isFinal: Bool { self != .pending }

    /// The final statuses, in display order.
    public static let finals: [HostStatus] = [
        .ok, .changed, .failed, .unreachable, .timeout, .canceled, .lost,
    ]

    /// The status an executor's host line stands for: `ok`, `changed`,
    /// `failed` and `unreachable` as written; anything else (including the
    /// engine's own `timeout`, `canceled`, `lost`) is `failed`.
    public static func fromExecutor(_ text: String) -> HostStatus {
        switch text {
        case "ok": .ok
        case "changed": .changed
        case "unreachable": .unreachable
        default: .failed
        }
    }

    public static func < (a: HostStatus, b: HostStatus) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// State of a job as the contract names it.
public enum JobState: String, Codable, Sendable {
    case queued, running, done, canceled

    /// Derived from the job's units: canceled wins; all units finished is
    /// done; any unit started is running; otherwise queued.
    public static func derive(canceled: Bool, units: Int, unitsDone: Int, started: Bool) -> JobState {
        if canceled { return .canceled }
        if unitsDone >= units { return .done }
        return started || unitsDone > 0 ? .running : .queued
    }
}

/// State of one unit in the store.
public enum UnitState: String, Codable, Sendable {
    /// Waiting for an instance to claim it.
    case queued
    /// Claimed by an instance whose lease runs until `lease_until`.
    case running
    /// Every host of the unit has its final result.
    case done
    /// The job was canceled before the unit finished.
    case canceled
}
