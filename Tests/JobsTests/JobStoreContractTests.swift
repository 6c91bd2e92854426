import Foundation
import PromshardJobs
import PromshardProtocol
import PromshardTestSupport
import Testing

/// The rules of ``JobStore``, one test body for both stores: SQLite in a
/// temporary directory and PostgreSQL (a real cluster, a fresh database per
/// test).
@Suite(.serialized)
struct JobStoreContractTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A fresh store and what removes it.
    struct Fixture {
        var store: any JobStore
        /// Opens the same store again (a second instance).
        var reopen: () throws -> any JobStore
        var remove: () -> Void
    }

    static func temporaryStore(_ kind: Kind) async throws -> Fixture {
        switch kind {
        case .sqlite:
            let dir = NSTemporaryDirectory() + "promshard-jobs-\(UUID().uuidString)"
            let path = SQLiteJobStore.path(stateDir: dir)
            return Fixture(
                store: try SQLiteJobStore(path: path), reopen: { try SQLiteJobStore(path: path) },
                remove: { try? FileManager.default.removeItem(atPath: dir) })
        case .postgres:
            let server = try await PostgreSQLServer.shared.start()
            let database = try server.createDatabase()
            let store = try PostgresJobStore(url: server.url(database))
            return Fixture(
                store: store, reopen: { try PostgresJobStore(url: server.url(database)) },
                // Ends the store's connections too (its pool stops when it is released).
                remove: { _ = try? server.sql("DROP DATABASE \(database) WITH (FORCE)") })
        }
    }

    static func spec(_ id: String, hosts: [String], unitSize: Int = 2) -> JobSpec {
        JobSpec(
            id: id, hosts: hosts, task: .adhoc(module: "command", args: "id"), unitSize: unitSize,
            timeoutMs: 1000)
    }

    static func ok(_ unit: ClaimedUnit, _ host: String, stdout: String = "hi") -> HostResult {
        HostResult(
            job: unit.job, host: host, status: .ok, rc: 0, stdout: stdout, unit: unit.unit, finished: 1)
    }

    @Test(arguments: Kind.allCases) func submitClaimRecordFinish(_ kind: Kind) async throws {
        let fixture = try await Self.temporaryStore(kind)
        defer { fixture.remove() }
        let store = fixture.store
        let job = try await store.submit(Self.spec("j1", hosts: ["a", "b", "c"]), nowMs: 10)
        #expect(job.state == .queued && job.units == 2 && job.hosts == 3 && job.counts == ["pending": 3])
        await #expect(throws: JobError.duplicateID("j1")) {
            _ = try await store.submit(Self.spec("j1", hosts: ["a"]), nowMs: 11)
        }

        let units = try await store.claim(owner: "me", limit: 5, leaseMs: 1000, nowMs: 20)
        #expect(units.map(\.hosts) == [["a", "b"], ["c"]])
        #expect(try await store.claim(owner: "other", limit: 5, leaseMs: 1000, nowMs: 21).isEmpty)
        #expect(try await store.job("j1")?.state == .running)

        // A host of another unit, a duplicate and a non-final status are refused.
        let first = units[0]
        #expect(try await store.record([Self.ok(first, "a"), Self.ok(first, "c")], for: first) == 1)
        #expect(try await store.record([Self.ok(first, "a", stdout: "second")], for: first) == 0)
        #expect(try await store.finish(first, leftover: .failed, msg: "no result", nowMs: 30) == 1)
        #expect(try await store.finish(units[1], leftover: .timeout, msg: "deadline", nowMs: 40) == 1)

        let done = try #require(try await store.job("j1"))
        #expect(done.state == .done && done.unitsDone == 2 && done.finished == 40)
        #expect(done.counts == ["ok": 1, "failed": 1, "timeout": 1])
        let results = try await store.results(job: "j1", status: nil)
        #expect(results.map(\.host) == ["a", "b", "c"])
        #expect(results[0].stdout == "hi" && results[1].msg == "no result" && results[2].status == .timeout)
        #expect(try await store.results(job: "j1", status: .timeout).map(\.host) == ["c"])
        await #expect(throws: JobError.notFound("nope")) {
            _ = try await store.results(job: "nope", status: nil)
        }
    }

    @Test(arguments: Kind.allCases) func sameHostInTwoConcurrentJobsKeepsItsOwnResults(_ kind: Kind)
        async throws
    {
        let fixture = try await Self.temporaryStore(kind)
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.submit(Self.spec("old", hosts: ["h"]), nowMs: 1)
        _ = try await store.submit(Self.spec("new", hosts: ["h", "x"]), nowMs: 2)
        let units = try await store.claim(owner: "me", limit: 5, leaseMs: 1000, nowMs: 3)
        let old = try #require(units.first { $0.job == "old" })
        let new = try #require(units.first { $0.job == "new" })
        // The newer job's result arrives first; it must not land on the old job.
        #expect(try await store.record([Self.ok(new, "h", stdout: "from new")], for: new) == 1)
        #expect(try await store.record([Self.ok(old, "h", stdout: "from old")], for: old) == 1)
        #expect(try await store.results(job: "old", status: nil).map(\.stdout) == ["from old"])
        #expect(try await store.results(job: "new", status: nil).map(\.stdout) == ["from new"])
        // By ip: every job, newest first; by ips: the newest per host.
        #expect(try await store.results(host: "h", limit: 10).map(\.job) == ["new", "old"])
        #expect(try await store.latest(hosts: ["h", "x", "unknown"]).map(\.job) == ["new"])
    }

    @Test(arguments: Kind.allCases) func expiredLeaseIsTakenOverAndTheOldClaimIsRefused(_ kind: Kind)
        async throws
    {
        let fixture = try await Self.temporaryStore(kind)
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.submit(Self.spec("j", hosts: ["a", "b"]), nowMs: 0)
        let mine = try #require(try await store.claim(owner: "dead", limit: 1, leaseMs: 100, nowMs: 0).first)
        #expect(try await store.record([Self.ok(mine, "a")], for: mine) == 1)
        #expect(try await store.renew(mine, leaseMs: 100, nowMs: 50) == .held)
        // Not yet expired (renewed until 150).
        #expect(try await store.claim(owner: "b", limit: 1, leaseMs: 100, nowMs: 140).isEmpty)
        let taken = try #require(try await store.claim(owner: "b", limit: 1, leaseMs: 100, nowMs: 151).first)
        #expect(taken.hosts == ["b"] && taken.attempt == 2 && taken.token != mine.token)
        // The dead instance's late result and renewal are refused.
        #expect(try await store.record([Self.ok(mine, "b", stdout: "late")], for: mine) == 0)
        #expect(try await store.renew(mine, leaseMs: 100, nowMs: 160) == .lost)
        #expect(try await store.finish(mine, leftover: .failed, msg: "", nowMs: 160) == 0)
        #expect(try await store.record([Self.ok(taken, "b")], for: taken) == 1)
        #expect(try await store.finish(taken, leftover: .failed, msg: "", nowMs: 170) == 0)
        let results = try await store.results(job: "j", status: nil)
        #expect(results.map(\.status) == [.ok, .ok] && results.map(\.stdout) == ["hi", "hi"])
    }

    @Test(arguments: Kind.allCases) func aUnitClaimedTooOftenLosesItsPendingHosts(_ kind: Kind) async throws {
        let fixture = try await Self.temporaryStore(kind)
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.submit(Self.spec("j", hosts: ["a"]), nowMs: 0)
        var now: Int64 = 0
        for _ in 0..<maxUnitAttempts {
            #expect(try await store.claim(owner: "x", limit: 1, leaseMs: 10, nowMs: now).count == 1)
            now += 11
        }
        #expect(try await store.claim(owner: "x", limit: 1, leaseMs: 10, nowMs: now).isEmpty)
        let job = try #require(try await store.job("j"))
        #expect(job.state == .done && job.counts == ["lost": 1])
    }

    @Test(arguments: Kind.allCases) func cancelMarksPendingHostsAndStopsRunningUnits(_ kind: Kind)
        async throws
    {
        let fixture = try await Self.temporaryStore(kind)
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.submit(Self.spec("j", hosts: ["a", "b", "c"]), nowMs: 0)
        let unit = try #require(try await store.claim(owner: "x", limit: 1, leaseMs: 1000, nowMs: 0).first)
        #expect(try await store.record([Self.ok(unit, "a")], for: unit) == 1)
        #expect(try await store.cancel(job: "j", nowMs: 5))
        #expect(try await store.cancel(job: "j", nowMs: 6) == false)
        #expect(try await store.renew(unit, leaseMs: 1000, nowMs: 7) == .canceled)
        #expect(try await store.record([Self.ok(unit, "b")], for: unit) == 0)
        #expect(try await store.claim(owner: "x", limit: 5, leaseMs: 1000, nowMs: 8).isEmpty)
        let job = try #require(try await store.job("j"))
        #expect(job.state == .canceled && job.counts == ["ok": 1, "canceled": 2])
        #expect(try await store.activeJobs().isEmpty)
        await #expect(throws: JobError.notFound("x")) { _ = try await store.cancel(job: "x", nowMs: 0) }
    }

    @Test(arguments: Kind.allCases) func reopeningKeepsJobs(_ kind: Kind) async throws {
        let fixture = try await Self.temporaryStore(kind)
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.submit(Self.spec("j", hosts: ["a"]), nowMs: 0)
        let again = try fixture.reopen()
        #expect(try await again.jobs(limit: 10).map(\.id) == ["j"])
        // PostgreSQL's planner may scan a one-row table: its plan is checked at scale by the benchmark.
        if let sqlite = again as? SQLiteJobStore {
            #expect(try await sqlite.queryPlan(host: "a").contains("job_host_by_host"))
        }
    }
}
