import Foundation
import Logging
import PostgresNIO

/// The job store that several promshard instances share: one PostgreSQL
/// database (`jobs.store: postgres://user:password@host:port/db`).
///
/// - Connections come from a pool (`PostgresClient`) whose `run()` is a
///   task of the store: it is cancelled when the store is released or
///   ``close()``d.
/// - The schema is migrated (``PostgresJobSchema``) before the first
///   operation, on a connection of its own, so a dead or misconfigured
///   database fails at once with the server's reason; a failed migration is
///   tried again by the next operation (the jobs child keeps polling).
/// - Claims lock their units with `SELECT … FOR UPDATE SKIP LOCKED` in one
///   transaction, so instances never claim a unit twice nor wait on each
///   other; results are attached by one `UPDATE` that only touches rows
///   still `pending` of the claimed unit while its token holds.
/// - Every operation has a deadline (``deadline``); errors name the URL with
///   its password redacted and never carry the password.
public final class PostgresJobStore: JobStore {
    /// The parsed URL (``PostgresURL/description`` is redacted).
    public let url: PostgresURL
    /// How long one operation may wait for a connection and its queries.
    public let deadline: Duration
    let client: PostgresClient
    let logger: Logger
    private let service: Task<Void, Never>
    private let migrated = Locked(false)
    private let tlsContext: NIOSSLContext?

    /// Prepares the pool for `store` (a `postgres://` URL); connects lazily.
    public init(url store: String, deadline: Duration = .seconds(30), maximumConnections: Int = 8)
        throws(JobError)
    {
        let url = try PostgresURL.parse(store)
        self.url = url
        self.deadline = deadline
        var logger = Logger(label: "jobs.postgres")
        logger.logLevel = .error
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS
        do {
            switch url.tls {
            case .disable:
                tls = .disable
                tlsContext = nil
            case .prefer:
                tls = .prefer(.makeClientConfiguration())
                tlsContext = try NIOSSLContext(configuration: .makeClientConfiguration())
            case .require:
                tls = .require(.makeClientConfiguration())
                tlsContext = try NIOSSLContext(configuration: .makeClientConfiguration())
            }
        } catch {
            throw .store("\(url): cannot set up TLS: \(error)")
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = max(2, maximumConnections)
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration)
        self.client = client
        service = Task { await client.run() }
    }

    deinit { service.cancel() }

    /// Closes the pool (cancels its `run()`) and waits until it stopped.
    public func close() async {
        service.cancel()
        await service.value
    }

    // MARK: Connections and errors

    /// One connection outside the pool (migrations, diagnosis), with the URL's TLS mode.
    func directConnection() async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS
        if let tlsContext {
            tls = url.tls == .prefer ? .prefer(tlsContext) : .require(tlsContext)
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    }

    /// Applies the migrations once per store (again after a failure).
    func ready() async throws(JobError) {
        if migrated.withLock({ $0 }) { return }
        do {
            try await Self.withDeadline(deadline) { [self] in
                let connection = try await directConnection()
                do {
                    _ = try await PostgresJobSchema.migrate(connection, logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
            migrated.withLock { $0 = true }
        } catch {
            throw await describe(error, "open the job store")
        }
    }

    /// Runs `body` on a pooled connection (after ``ready()``), under ``deadline``.
    func run<T: Sendable>(
        _ operation: String, _ body: @Sendable @escaping (PostgresConnection) async throws -> T
    ) async throws(JobError) -> T {
        try await ready()
        do {
            return try await Self.withDeadline(deadline) { [client] in
                try await client.withConnection { try await body($0) }
            }
        } catch {
            throw await describe(error, operation)
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED), retried up to 5
    /// times when PostgreSQL aborts it for a deadlock or a serialization failure.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @Sendable @escaping (PostgresConnection) async throws -> T
    ) async throws(JobError) -> T {
        let logger = self.logger
        return try await run(operation) { connection in
            var attempt = 0
            while true {
                attempt += 1
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    if attempt < 5, Self.isRetryable(error) { continue }
                    throw error
                }
            }
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    struct TimedOut: Error {}

    /// `body`, or ``TimedOut`` after `limit` (`body` is then cancelled).
    static func withDeadline<T: Sendable>(
        _ limit: Duration, _ body: @Sendable @escaping () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut() }
            return value
        }
    }

    /// A ``JobError/store(_:)`` for `error`: the server's message, or why no
    /// connection could be made (found by one direct attempt after a
    /// timeout). Never the password.
    func describe(_ error: any Error, _ operation: String) async -> JobError {
        if let error = error as? JobError {
            guard case .store(let detail) = error else { return error }
            return .store(scrub("cannot \(operation): \(url): \(detail)"))
        }
        var why = Self.explain(error)
        if error is TimedOut {
            why = "no answer within \(deadline)"
            do {
                let probe = try await directConnection()
                try? await probe.close()
            } catch {
                why += " (\(Self.explain(error)))"
            }
        }
        return .store(scrub("cannot \(operation): \(url): \(why)"))
    }

    /// What went wrong, from the driver's error values (their own
    /// descriptions are generic on purpose).
    static func explain(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            var text = "PostgreSQL said: \(info[.message] ?? "an error")"
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
            if let detail = info[.detail] { text += ": \(detail)" }
            return text
        }
        var text = "\(error.code)"
        if let underlying = error.underlying { text += ": \(underlying)" }
        if error.code == .connectionError || error.code == .serverClosedConnection {
            text += " — is PostgreSQL running and reachable?"
        }
        return text
    }

    /// `text` with the password (should any layer echo it) replaced.
    func scrub(_ text: String) -> String {
        guard let password = url.password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "<redacted>")
    }
}
