import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL 15 cluster for tests: `initdb` into a temporary
/// directory (owned by the `postgres` user: initdb refuses root), started
/// with `pg_ctl` on 127.0.0.1 and a free port, stopped and removed when the
/// test process exits. Leftovers of a killed earlier run are removed at the
/// next start. The Zabbix fixture builds its cluster with ``createCluster``.
///
/// ``shared`` is one cluster per test process with password (SCRAM)
/// authentication over TCP; each test takes a database of its own
/// (``Instance/createDatabase()``).
public actor PostgreSQLServer {
    /// The cluster shared by the tests of this process.
    public static let shared = PostgreSQLServer()

    /// A running cluster.
    public struct Instance: Sendable {
        public let dir: String
        public let port: Int
        public let user: String
        public let password: String

        /// `postgres://user:password@127.0.0.1:port/database`.
        public func url(_ database: String) -> String {
            "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)"
        }

        /// Runs SQL through psql (`-At`) and returns its output.
        @discardableResult
        public func sql(_ statement: String, database: String = "postgres") throws -> String {
            try PostgreSQLServer.psql(
                port: port, user: user, password: password, database: database, statement, dir: dir)
        }

        /// A new empty database; its name.
        public func createDatabase() throws -> String {
            let name = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try sql("CREATE DATABASE \(name)")
            return name
        }
    }

    private var setup: Task<Instance, any Error>?
    static let prefix = "promshard-pg"
    static let bin = "/usr/lib/postgresql/15/bin"

    /// Starts the cluster once; later (and concurrent) calls get the same instance.
    public func start() async throws -> Instance {
        if let setup { return try await setup.value }
        let task = Task<Instance, any Error> {
            try await ZabbixServer.offThePool {
                try Self.installIfMissing()
                Self.removeLeftovers(prefix: Self.prefix)
                let dir = try Self.makeDirectory(prefix: Self.prefix)
                let password = "pw-\(UUID().uuidString.prefix(8))"
                let port = try Self.createCluster(in: dir, superuser: "promshard", password: password)
                return Instance(dir: dir, port: port, user: "promshard", password: password)
            }
        }
        setup = task
        return try await task.value
    }

    static func installIfMissing() throws {
        if FileManager.default.isExecutableFile(atPath: "\(bin)/initdb"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/psql")
        {
            return
        }
        try ZabbixServer.run(
            "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql postgresql-client"
        )
    }

    /// A new `0755` directory `<tmp>/<prefix>.XXXXXX` holding `owner.pid`,
    /// stopped and removed at exit.
    static func makeDirectory(prefix: String) throws -> String {
        var template = Array("\(NSTemporaryDirectory())/\(prefix).XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed") }
        let dir = String(cString: p)
        chmod(dir, 0o755)
        try String(getpid()).write(toFile: "\(dir)/owner.pid", atomically: true, encoding: .utf8)
        ZabbixCleanup.register(dir)
        return dir
    }

    /// Stops the clusters and removes the directories of earlier runs whose test process is gone.
    static func removeLeftovers(prefix: String) {
        let tmp = NSTemporaryDirectory()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let dir = "\(tmp)/\(name)"
            if let owner = try? String(contentsOfFile: "\(dir)/owner.pid", encoding: .utf8),
                let pid = Int32(owner.trimmingCharacters(in: .whitespacesAndNewlines)),
                ProcessTable.alive(pid)
            {
                continue
            }
            ZabbixCleanup.stop(dir)
        }
    }

    /// initdb into `<dir>/pg` (socket in `<dir>/sock`) and starts it on
    /// 127.0.0.1 with a free port (returned). With a `password`, TCP
    /// connections need it (SCRAM); without, they are trusted. Blocking.
    static func createCluster(in dir: String, superuser: String, password: String?) throws -> Int {
        for sub in ["pg", "sock"] {
            try FileManager.default.createDirectory(
                atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        try ZabbixServer.run("chown postgres '\(dir)/pg' '\(dir)/sock'")
        var auth = "--auth=trust"
        if let password {
            let file = "\(dir)/sock/pwfile"
            try password.write(toFile: file, atomically: true, encoding: .utf8)
            try ZabbixServer.run("chown postgres '\(file)'")
            auth = "--auth-local=trust --auth-host=scram-sha-256 --pwfile='\(file)'"
        }
        try ZabbixServer.run(
            "cd / && runuser -u postgres -- \(bin)/initdb -D '\(dir)/pg' -U \(superuser) \(auth) -E UTF8 --locale=C.UTF-8"
        )
        let port = freePort()
        try ZabbixServer.run(
            "cd / && runuser -u postgres -- \(bin)/pg_ctl -D '\(dir)/pg' -l '\(dir)/pg/postgres.log' -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p \(port) -k \(dir)/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >'\(dir)/pg_ctl.log' 2>&1 || { cat '\(dir)/pg_ctl.log'; exit 1; }"
        )
        return port
    }

    /// Stops the cluster in `<dir>/pg` at once, if there is one.
    static func stopCluster(in dir: String) {
        guard FileManager.default.fileExists(atPath: "\(dir)/pg/PG_VERSION") else { return }
        _ = try? ZabbixServer.run(
            "cd / && runuser -u postgres -- \(bin)/pg_ctl -D '\(dir)/pg' -m immediate -w stop")
    }

    /// psql with the statement in a file (`-At`: unaligned, tuples only).
    static func psql(
        port: Int, user: String, password: String?, database: String, _ statement: String, dir: String
    ) throws -> String {
        let file = "\(dir)/statement-\(UUID().uuidString).sql"
        try statement.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let env = password.map { "PGPASSWORD='\($0)' " } ?? ""
        return try ZabbixServer.run(
            "\(env)psql -At -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p \(port) -U \(user) -d \(database) -f '\(file)'"
        )
    }
}
