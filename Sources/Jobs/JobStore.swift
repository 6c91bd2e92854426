/// Where jobs, units and host results live: SQLite on one machine
/// (``SQLiteJobStore``) or PostgreSQL shared by several instances.
///
/// The rules every store keeps:
/// - a submitted job has one row per host, `pending` until its one final result;
/// - a result is attached by job id + host + unit + the claim's token, and only
///   while the host is still `pending`: a second result for a host, a result
///   from a claim that lost its lease, or one for a host of another unit is
///   refused (never "the host's latest row");
/// - a unit is claimed with a lease; a unit whose lease expired is claimed
///   again (its pending hosts only) with a new token, so the old claim's
///   late results are refused. After ``maxAttempts`` claims its pending
///   hosts become `lost`.
public protocol JobStore: Sendable {
    /// Stores a validated job and its units; fails with `duplicateID`.
    func submit(_ spec: JobSpec, nowMs: Int64) async throws(JobError) -> JobRecord

    /// Claims up to `limit` units that are queued or whose lease expired,
    /// oldest job first, for `owner` until `nowMs + leaseMs`.
    func claim(owner: String, limit: Int, leaseMs: Int64, nowMs: Int64) async throws(JobError)
        -> [ClaimedUnit]

    /// Extends the lease of a claimed unit, or says why it is no longer ours.
    func renew(_ unit: ClaimedUnit, leaseMs: Int64, nowMs: Int64) async throws(JobError) -> LeaseState

    /// Records host results of a claimed unit; returns how many were accepted
    /// (the others were not pending, not of this unit, or the claim is stale).
    @discardableResult
    func record(_ results: [HostResult], for unit: ClaimedUnit) async throws(JobError) -> Int

    /// Ends a claimed unit: its hosts still pending get `leftover` with `msg`;
    /// the unit is done (the job too when it was the last). Nothing happens
    /// when the claim is stale. Returns the hosts given `leftover`.
    @discardableResult
    func finish(_ unit: ClaimedUnit, leftover: HostStatus, msg: String, nowMs: Int64) async throws(JobError)
        -> Int

    /// Cancels a job: its unfinished units are canceled and its pending hosts
    /// `canceled` at once (running units stop at their next renewal).
    /// Returns false when the job had already ended.
    func cancel(job: String, nowMs: Int64) async throws(JobError) -> Bool

    /// One job with its counts, nil if unknown.
    func job(_ id: String) async throws(JobError) -> JobRecord?
    /// The newest jobs first.
    func jobs(limit: Int) async throws(JobError) -> [JobRecord]
    /// Final results of a job, by unit then host order; `status` filters.
    func results(job: String, status: HostStatus?) async throws(JobError) -> [HostResult]
    /// Every final result of a host across jobs, newest first.
    func results(host: String, limit: Int) async throws(JobError) -> [HostResult]
    /// The newest final result of each host that has one.
    func latest(hosts: [String]) async throws(JobError) -> [HostResult]
    /// Jobs queued or running.
    func activeJobs() async throws(JobError) -> [JobRecord]
}

/// How many times a unit is claimed before its pending hosts become `lost`.
public let maxUnitAttempts = 3
