import Foundation
import PromshardJobs
import PromshardTestSupport
import Testing

/// The engine on a PostgreSQL store that is not there yet: every claim
/// fails with the server's reason, the engine keeps polling (backing off),
/// and once the database exists it migrates it and runs a job to its end.
@Suite(.serialized)
struct JobsStoreOutageTests {
    @Test func theEngineWaitsForTheDatabaseAndThenRunsTheJob() async throws {
        let server = try await PostgreSQLServer.shared.start()
        let name = "t_later_\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? server.sql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let store = try PostgresJobStore(url: server.url(name))
        let runner = UnitRunner(
            store: store, executable: Tools.repositoryRoot + "/plugins/examples/job-runner.sh", params: [:],
            leaseMs: 10_000, killGrace: .seconds(1))
        var engine = JobsEngine(store: store, runner: runner, workers: 2, owner: "outage")
        engine.pollEvery = .milliseconds(100)
        engine.maxBackoff = .milliseconds(800)
        let task = Task { await engine.run() }
        defer { task.cancel() }

        await #expect {
            _ = try await store.jobs(limit: 1)
        } throws: { error in
            "\(error)".contains("database \"\(name)\" does not exist")
                && !"\(error)".contains(server.password)
        }
        try await Task.sleep(for: .seconds(2))  // several failed claims

        try server.sql("CREATE DATABASE \(name)")
        let submitter = try PostgresJobStore(url: server.url(name))
        _ = try await submitter.submit(
            JobSpec(
                id: "after-outage", hosts: ["127.0.0.1", "localhost"],
                task: .adhoc(module: "ping", args: nil),
                unitSize: 1, timeoutMs: 10_000), nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        let deadline = ContinuousClock.now + .seconds(30)
        var done = false
        while !done, ContinuousClock.now < deadline {
            done = try await submitter.job("after-outage")?.state == .done
            if !done { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(done)
        #expect(try await submitter.job("after-outage")?.counts == ["ok": 2])
    }
}
