import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real Zabbix server (Debian `zabbix-server-pgsql`, 6.0) on loopback, with
/// its own PostgreSQL cluster in a temporary directory: the schema shipped in
/// /usr/share/zabbix-server-pgsql is imported, hosts and trapper items are
/// created by SQL, values are read back from `history_uint`/`history_text`.
///
/// Setting it up takes 15–40 s, so one instance is shared by every test of
/// the run (``shared``) and stopped when the test process exits. Leftovers of
/// an earlier run that was killed are removed at the next start.
public actor ZabbixServer {
    /// The instance shared by the tests of this process.
    public static let shared = ZabbixServer()

    /// A running server.
    public struct Instance: Sendable {
        public let dir: String
        public let databasePort: Int
        /// `127.0.0.1:<port>` of the trapper.
        public let serverPort: Int
        public var address: String { "127.0.0.1:\(serverPort)" }
    }

    /// Item value types (`items.value_type`).
    public enum ValueType: Int, Sendable {
        case float = 0
        case character = 1
        case log = 2
        case unsigned = 3
        case text = 4
    }

    private var setup: Task<Instance, any Error>?
    private static let prefix = "promshard-zabbix"

    /// Starts the server once; later (and concurrent) calls get the same instance.
    public func start() async throws -> Instance {
        if let setup { return try await setup.value }
        let task = Task<Instance, any Error> {
            try await ZabbixServer.offThePool {
                try Self.installIfMissing()
                Self.removeLeftovers()
            }
            return try await Self.setUp()
        }
        setup = task
        return try await task.value
    }

    /// Runs blocking set-up work on a thread of its own, off the concurrency pool.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    // MARK: Set-up

    static func installIfMissing() throws {
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/zabbix_server"),
            FileManager.default.fileExists(atPath: "/usr/share/zabbix-server-pgsql/schema.sql.gz"),
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/initdb")
        {
            return
        }
        _ = try run(
            "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends zabbix-server-pgsql postgresql postgresql-client"
        )
    }

    /// Stops servers and removes directories of earlier runs that were killed.
    static func removeLeftovers() { PostgreSQLServer.removeLeftovers(prefix: prefix) }

    static func setUp() async throws -> Instance {
        let instance = try await offThePool { try createAndStart() }
        let listening = await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            canConnect(port: instance.serverPort)
        }
        guard listening else {
            let log =
                (try? String(contentsOfFile: "\(instance.dir)/zbx/zabbix_server.log", encoding: .utf8)) ?? ""
            throw TestSupportError(
                "zabbix_server did not listen on \(instance.serverPort):\n\(log.suffix(3000))")
        }
        return instance
    }

    /// Creates the cluster, imports the schema and starts zabbix_server (blocking).
    static func createAndStart() throws -> Instance {
        let dir = try PostgreSQLServer.makeDirectory(prefix: prefix)
        try FileManager.default.createDirectory(atPath: "\(dir)/zbx", withIntermediateDirectories: true)
        let dbPort = try PostgreSQLServer.createCluster(in: dir, superuser: "zabbix", password: nil)
        // zabbix_server accepts ListenPort 1024-32767 only, below the ephemeral range freePort() uses.
        let instancePort = try lowFreePort()
        let instance = Instance(dir: dir, databasePort: dbPort, serverPort: instancePort)
        _ = try psql(instance, "CREATE DATABASE zabbix", database: "postgres")
        for file in ["schema", "images", "data"] {
            _ = try run(
                "zcat /usr/share/zabbix-server-pgsql/\(file).sql.gz | psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p \(dbPort) -U zabbix -d zabbix >/dev/null"
            )
        }
        let config = """
            ListenIP=127.0.0.1
            ListenPort=\(instancePort)
            LogType=file
            LogFile=\(dir)/zbx/zabbix_server.log
            LogFileSize=0
            PidFile=\(dir)/zbx/zabbix_server.pid
            SocketDir=\(dir)/zbx
            DBHost=127.0.0.1
            DBPort=\(dbPort)
            DBName=zabbix
            DBUser=zabbix
            AllowRoot=1
            StartPollers=1
            StartPollersUnreachable=1
            StartTrappers=2
            StartPingers=0
            StartDiscoverers=0
            StartHTTPPollers=0
            StartTimers=1
            StartEscalators=1
            StartAlerters=1
            StartPreprocessors=1
            StartDBSyncers=1
            StartLLDProcessors=1
            StartReportWriters=0
            CacheUpdateFrequency=1
            HousekeepingFrequency=0
            Timeout=3

            """
        try config.write(toFile: "\(dir)/zbx/zabbix_server.conf", atomically: true, encoding: .utf8)
        // The server daemonizes; its output goes to a file so no pipe stays open.
        let startLog = "\(dir)/zbx/start.log"
        _ = try run(
            "/usr/sbin/zabbix_server -c '\(dir)/zbx/zabbix_server.conf' >'\(startLog)' 2>&1 || { cat '\(startLog)'; exit 1; }"
        )
        return instance
    }

    static func psql(_ instance: Instance, _ statement: String, database: String = "zabbix") throws -> String
    {
        try PostgreSQLServer.psql(
            port: instance.databasePort, user: "zabbix", password: nil, database: database, statement,
            dir: instance.dir)
    }

    /// A free loopback port in 20000-32767.
    static func lowFreePort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20000...32767)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            let bound = withLoopbackAddress(port: port) { bind(fd, $0, $1) } == 0
            close(fd)
            if bound { return port }
        }
        throw TestSupportError("no free port in 20000-32767")
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return withLoopbackAddress(port: port) { connect(fd, $0, $1) } == 0
    }

    /// Runs a shell command (`system`, output to a file: a daemon started by
    /// it must not keep a pipe of ours open); throws with its output when it fails.
    @discardableResult
    static func run(_ command: String) throws -> String {
        let out = "\(NSTemporaryDirectory())/promshard-zbxcmd-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let wrapped =
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH; ( \(command) ) </dev/null >'\(out)' 2>&1"
        let status = system(wrapped)
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestSupportError("`\(command)` failed (status \(status)):\n\(output.suffix(3000))")
        }
        return output
    }
}

/// Stops a test Zabbix server (if any) and its PostgreSQL cluster and removes the directory.
enum ZabbixCleanup {
    nonisolated(unsafe) static var dirs: [String] = []

    static func register(_ dir: String) {
        dirs.append(dir)
        if dirs.count == 1 { atexit { ZabbixCleanup.dirs.forEach(ZabbixCleanup.stop) } }
    }

    static func stop(_ dir: String) {
        if let pid = try? String(contentsOfFile: "\(dir)/zbx/zabbix_server.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), let n = Int32(pid)
        {
            kill(n, SIGTERM)
            for _ in 0..<50 where kill(n, 0) == 0 { usleep(100_000) }
            // Zabbix's workers; any left are killed with the directory's users.
            for entry in ProcessTable.all()
            where entry.arguments.first?.contains("zabbix_server") == true && entry.ppid == n {
                kill(entry.pid, SIGKILL)
            }
            kill(n, SIGKILL)
        }
        PostgreSQLServer.stopCluster(in: dir)
        try? FileManager.default.removeItem(atPath: dir)
    }
}

extension ZabbixServer.Instance {
    /// Runs SQL through psql (`-At`: unaligned, tuples only) and returns its output.
    public func sql(_ statement: String) throws -> String {
        try ZabbixServer.psql(self, statement)
    }

    /// Creates a host with trapper items (ids above the current maximum, plus
    /// their `item_rtdata` rows); returns nothing until the SQL committed.
    public func addHost(_ host: String, items: [(key: String, type: ZabbixServer.ValueType)]) throws {
        var sql = """
            BEGIN;
            INSERT INTO hosts (hostid, host, name, status) SELECT max(hostid) + 1, '\(host)', '\(host)', 0 FROM hosts;
            INSERT INTO hosts_groups (hostgroupid, hostid, groupid)
              SELECT (SELECT max(hostgroupid) + 1 FROM hosts_groups), hostid, 2 FROM hosts WHERE host = '\(host)';

            """
        for item in items {
            sql += """
                INSERT INTO items (itemid, type, hostid, name, key_, value_type, delay, history, trends, status)
                  SELECT (SELECT max(itemid) + 1 FROM items), 2, hostid, '\(item.key)', '\(item.key)', \(item.type.rawValue), '0', '1d', '0', 0
                  FROM hosts WHERE host = '\(host)';
                INSERT INTO item_rtdata (itemid)
                  SELECT itemid FROM items i JOIN hosts h USING (hostid) WHERE h.host = '\(host)' AND i.key_ = '\(item.key)';

                """
        }
        sql += "COMMIT;\n"
        _ = try self.sql(sql)
    }

    /// Values of an item, oldest first: (clock, value).
    public func history(host: String, key: String, text: Bool = false) throws -> [(clock: Int, value: String)]
    {
        let table = text ? "history_text" : "history_uint"
        let out = try sql(
            """
            SELECT h.clock, h.value FROM \(table) h JOIN items i USING (itemid) JOIN hosts ho ON ho.hostid = i.hostid
            WHERE ho.host = '\(host)' AND i.key_ = '\(key)' ORDER BY h.clock, h.ns
            """)
        return out.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "|", maxSplits: 1)
            guard parts.count == 2, let clock = Int(parts[0]) else { return nil }
            return (clock, String(parts[1]))
        }
    }
}
