import Foundation
import PromshardJobs
import PromshardProtocol
import PromshardTestSupport
import Testing

/// What only the PostgreSQL store has: migrations raced by several
/// instances, claims from many instances at once, and the errors of a
/// database that is down or refuses us (never with the password).
@Suite(.serialized)
struct PostgresJobStoreTests {
    static func spec(_ id: String, hosts: Int, unitSize: Int) -> JobSpec {
        JobSpec(
            id: id, hosts: (0..<hosts).map { "10.0.\($0 / 250).\($0 % 250)" },
            task: .adhoc(module: "ping", args: nil), unitSize: unitSize, timeoutMs: 1000)
    }

    @Test func instancesStartingAtOnceMigrateOnce() async throws {
        let server = try await PostgreSQLServer.shared.start()
        let database = try server.createDatabase()
        defer { _ = try? server.sql("DROP DATABASE \(database) WITH (FORCE)") }
        let stores = try (0..<6).map { _ in try PostgresJobStore(url: server.url(database)) }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores { group.addTask { try await store.jobs(limit: 1).count } }
            for try await count in group { #expect(count == 0) }
        }
        #expect(
            try server.sql("SELECT version FROM promshard_schema_migrations", database: database)
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        // A schema from a newer promshard is refused, with the version.
        try server.sql("INSERT INTO promshard_schema_migrations (version) VALUES (99)", database: database)
        let newer = try PostgresJobStore(url: server.url(database))
        await #expect {
            _ = try await newer.jobs(limit: 1)
        } throws: { error in
            "\(error)".contains("schema is version 99, newer than this promshard knows (1)")
        }
    }

    @Test func manyInstancesClaimingAtOnceNeverShareAUnit() async throws {
        let server = try await PostgreSQLServer.shared.start()
        let database = try server.createDatabase()
        defer { _ = try? server.sql("DROP DATABASE \(database) WITH (FORCE)") }
        let first = try PostgresJobStore(url: server.url(database))
        _ = try await first.submit(Self.spec("many", hosts: 200, unitSize: 2), nowMs: 0)
        let claimers = try (0..<8).map { _ in try PostgresJobStore(url: server.url(database)) }
        let claimed = try await withThrowingTaskGroup(of: [Int].self) { group in
            for (n, store) in claimers.enumerated() {
                group.addTask {
                    var mine: [Int] = []
                    while true {
                        let units = try await store.claim(owner: "i\(n)", limit: 3, leaseMs: 60_000, nowMs: 1)
                        if units.isEmpty { return mine }
                        mine += units.map(\.unit)
                    }
                }
            }
            var all: [Int] = []
            for try await units in group { all += units }
            return all
        }
        #expect(claimed.count == 100 && Set(claimed) == Set(0..<100))
    }

    @Test func aDatabaseThatIsDownGivesAClearErrorWithoutThePassword() async throws {
        let port = freePort()
        let store = try PostgresJobStore(url: "postgres://promshard:s3cret-pw@127.0.0.1:\(port)/jobs")
        await #expect {
            _ = try await store.jobs(limit: 1)
        } throws: { error in
            let text = "\(error)"
            return text.contains(
                "cannot open the job store: postgres://promshard:<redacted>@127.0.0.1:\(port)/jobs")
                && text.contains("is PostgreSQL running and reachable?") && !text.contains("s3cret-pw")
        }
    }

    @Test func aWrongPasswordIsNamedButNotShown() async throws {
        let server = try await PostgreSQLServer.shared.start()
        let store = try PostgresJobStore(
            url: "postgres://\(server.user):wrong-pw-123@127.0.0.1:\(server.port)/postgres")
        await #expect {
            _ = try await store.jobs(limit: 1)
        } throws: { error in
            let text = "\(error)"
            return text.contains("password authentication failed") && text.contains("<redacted>")
                && !text.contains("wrong-pw-123") && !text.contains(server.password)
        }
    }
}
