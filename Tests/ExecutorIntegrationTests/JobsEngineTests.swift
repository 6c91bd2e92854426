import Foundation
import PromshardJobs
import PromshardProtocol
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The jobs engine with real parts: real sshd processes serving many
/// loopback addresses as distinct hosts, real ansible through the
/// `promshard-exec-job` executor and its callback plugin, a SQLite store,
/// real process groups and /proc checks.
@Suite(.serialized)
struct JobsEngineTests {
    /// 127.0.0.10 … 127.0.0.(10+n-1).
    static func addresses(_ n: Int) -> [String] { (0..<n).map { "127.0.0.\(10 + $0)" } }

    static func params(_ ssh: SSHServer) -> [String: JSONValue] {
        [
            "user": .string(ssh.user), "port": .number(Double(ssh.port)),
            "identity_file": .string(ssh.clientKey),
            "known_hosts_file": .string(ssh.knownHosts), "python_interpreter": .string(Tools.python3),
            "connect_timeout": .number(3),
            "callback_dir": .string(Tools.repositoryRoot + "/plugins/ansible/callback_plugins"),
        ]
    }

    /// An engine on a fresh SQLite store in `dir`, running until the returned task is cancelled.
    static func engine(
        dir: TempDir, executable: String, params: [String: JSONValue], workers: Int = 4
    ) throws -> (SQLiteJobStore, Task<Void, Never>) {
        let store = try SQLiteJobStore(path: dir.file("jobs.sqlite"))
        let runner = UnitRunner(
            store: store, executable: executable, params: params, leaseMs: 10_000, killGrace: .seconds(2),
            renewEvery: .milliseconds(300))
        var engine = JobsEngine(store: store, runner: runner, workers: workers, owner: "test")
        engine.pollEvery = .milliseconds(100)
        return (store, Task { await engine.run() })
    }

    static func waitForEnd(_ store: SQLiteJobStore, _ id: String, timeout: Duration = .seconds(120))
        async throws
        -> JobRecord
    {
        let deadline = ContinuousClock.now + timeout
        var ended = false
        while !ended, ContinuousClock.now < deadline {
            let state = try await store.job(id)?.state
            ended = state == .done || state == .canceled
            if !ended { try await Task.sleep(for: .milliseconds(200)) }
        }
        let job = try #require(try await store.job(id))
        #expect(ended, "job \(id) did not end: \(job)")
        return job
    }

    /// Live processes whose command line contains `marker` (zombies count as gone).
    static func processes(_ marker: String) -> [ProcessTable.Entry] {
        ProcessTable.all().filter { $0.arguments.joined(separator: " ").contains(marker) }
    }

    @Test func adhocOver41HostsInUnitsOf10ThroughTheDaemonAndCLI() async throws {
        let ssh = try await SSHServer(addresses: Self.addresses(40))
        defer { ssh.stop() }
        let blackHole = try SilentListener(address: "127.0.0.50", port: ssh.port)
        defer { blackHole.stop() }
        let dir = try TempDir("promshard-jobs")
        defer { dir.remove() }
        let http = freePort()
        var params = Self.params(ssh)
        params["callback_dir"] = nil  // found through PROMSHARD_PLUGINS_DIR
        let paramsJSON = String(decoding: try JSONEncoder().encode(params), as: UTF8.self)
        try dir.write(
            "promshard.yaml",
            """
            state_dir: \(dir.file("var"))
            http: { listen: 127.0.0.1:\(http) }
            services: []
            jobs:
              workers: 4
              unit_size: 10
              timeout: 90s
              params: \(paramsJSON)
            """)
        let daemon = try TestProcess(
            try Binaries.path("promshard"), ["run", "--config", dir.file("promshard.yaml")],
            log: dir.file("daemon.log"),
            environment: ["PROMSHARD_PLUGINS_DIR": Tools.repositoryRoot + "/plugins"])
        defer { daemon.kill9() }

        let hosts = Self.addresses(40) + ["127.0.0.50"]
        let submit = try CLI.promshard([
            "job", "submit", "--config", dir.file("promshard.yaml"), "--hosts", hosts.joined(separator: ","),
            "--module", "shell", "--args", "echo \"hello from $(echo $SSH_CONNECTION | cut -d' ' -f3)\"",
            "--id", "adhoc41", "--wait", "--json",
        ])
        #expect(submit.status == 0, "\(submit.stderr)\n\(daemon.log)")
        let status = try JSONDecoder().decode(JobRecord.self, from: Data(submit.stdout.utf8))
        #expect(status.id == "adhoc41" && status.state == .done && status.hosts == 41 && status.units == 5)
        // Plain progress lines (stderr is not a terminal here).
        #expect(submit.stderr.contains("units 5/5 hosts 41/41"))

        let results = try CLI.promshard([
            "job", "results", "adhoc41", "--config", dir.file("promshard.yaml"), "--json",
        ])
        let rows = try JSONDecoder().decode([HostResult].self, from: Data(results.stdout.utf8))
        #expect(rows.count == 41 && Set(rows.map(\.host)).count == 41)
        for row in rows where row.host != "127.0.0.50" {
            // ansible reports shell commands as changed.
            #expect([.ok, .changed].contains(row.status), "\(row)")
            #expect(row.stdout == "hello from \(row.host)" && row.rc == 0, "\(row)")
            #expect(row.unit == (Int(row.host.split(separator: ".").last!)! - 10) / 10)
        }
        let hole = try #require(rows.first { $0.host == "127.0.0.50" })
        #expect([.unreachable, .timeout].contains(hole.status) && hole.unit == 4, "\(hole)")

        // By ip and by ips, on the CLI and over HTTP.
        let byIP = try CLI.promshard([
            "job", "hosts", "--ip", "127.0.0.23", "--config", dir.file("promshard.yaml"), "--json",
        ])
        let ipRows = try JSONDecoder().decode([HostResult].self, from: Data(byIP.stdout.utf8))
        #expect(ipRows.map(\.job) == ["adhoc41"] && ipRows.first?.stdout == "hello from 127.0.0.23")
        let byIPs = try CLI.promshard([
            "job", "hosts", "--ips", "127.0.0.10,127.0.0.50,10.9.9.9", "--config", dir.file("promshard.yaml"),
            "--json",
        ])
        #expect(
            try JSONDecoder().decode([HostResult].self, from: Data(byIPs.stdout.utf8)).map(\.host) == [
                "127.0.0.10", "127.0.0.50",
            ])
        let table = try CLI.promshard(["job", "list", "--config", dir.file("promshard.yaml")])
        #expect(table.stdout.contains("adhoc41") && table.stdout.contains("done"))
        let api = try Tools.run(Tools.curl, ["-sf", "http://127.0.0.1:\(http)/api/v1/results?ip=127.0.0.11"])
        #expect(
            try JSONDecoder().decode([HostResult].self, from: Data(api.utf8)).map(\.stdout) == [
                "hello from 127.0.0.11"
            ])
        let job = try Tools.run(Tools.curl, ["-sf", "http://127.0.0.1:\(http)/api/v1/jobs/adhoc41"])
        #expect(
            try JSONDecoder().decode(JobRecord.self, from: Data(job.utf8)).counts.values.reduce(0, +) == 41)
    }

    @Test func deadlineKillsTheUnitAndEveryRemoteCommand() async throws {
        let ssh = try await SSHServer(addresses: Self.addresses(4))
        defer { ssh.stop() }
        let dir = try TempDir("promshard-jobs")
        defer { dir.remove() }
        let (store, engine) = try Self.engine(
            dir: dir, executable: try Binaries.path("promshard-exec-job"), params: Self.params(ssh))
        defer { engine.cancel() }
        let started = ContinuousClock.now
        _ = try await store.submit(
            JobSpec(
                id: "deadline", hosts: Self.addresses(4), task: .adhoc(module: "shell", args: "sleep 317"),
                unitSize: 4, timeoutMs: 15_000), nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        // The remote commands really ran…
        let remote = await eventually(timeout: .seconds(15), every: .milliseconds(100)) {
            Self.processes("sleep 317").contains { $0.arguments.first == "sleep" }
        }
        #expect(remote, "the remote sleep never started")
        let job = try await Self.waitForEnd(store, "deadline", timeout: .seconds(40))
        #expect(ContinuousClock.now - started >= .seconds(15))
        #expect(job.counts == ["timeout": 4], "\(job)")
        #expect(
            try await store.results(job: "deadline", status: .timeout).allSatisfy {
                $0.msg.contains("deadline")
            })
        // …and nothing of the unit is left: not ansible, not ssh, not the remote sleep.
        let gone = await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
            Self.processes("sleep 317").isEmpty
        }
        #expect(gone, "left running: \(Self.processes("sleep 317").map(\.arguments))")
    }

    @Test func playbookRecordsTaskCountsAndSuccessRate() async throws {
        let ssh = try await SSHServer(addresses: Self.addresses(3))
        defer { ssh.stop() }
        let dir = try TempDir("promshard-jobs")
        defer { dir.remove() }
        try dir.write(
            "two-tasks.yml",
            """
            - hosts: all
              gather_facts: false
              tasks:
                - name: say hello
                  command: echo hello
                - name: not on 127.0.0.12
                  command: test {{ inventory_hostname }} != 127.0.0.12
            """)
        let (store, engine) = try Self.engine(
            dir: dir, executable: try Binaries.path("promshard-exec-job"), params: Self.params(ssh))
        defer { engine.cancel() }
        _ = try await store.submit(
            JobSpec(
                id: "pb", hosts: Self.addresses(3), task: .playbook(dir.file("two-tasks.yml")), unitSize: 3,
                timeoutMs: 90_000), nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        let job = try await Self.waitForEnd(store, "pb")
        #expect(job.counts == ["changed": 2, "failed": 1], "\(job)")
        let rows = try await store.results(job: "pb", status: nil)
        #expect(rows.map(\.host) == Self.addresses(3))
        #expect(rows[0].tasks == JobTaskCounts(ok: 2, changed: 2) && rows[0].successRate == 1.0)
        #expect(rows[2].tasks == JobTaskCounts(ok: 1, changed: 1, failed: 1) && rows[2].successRate == 0.5)
        #expect(rows[2].rc == 1 && rows[2].status == .failed)
    }

    @Test func cancelInTheMiddleStopsRunningUnitsAndMarksTheRest() async throws {
        let ssh = try await SSHServer(addresses: Self.addresses(8))
        defer { ssh.stop() }
        let dir = try TempDir("promshard-jobs")
        defer { dir.remove() }
        let (store, engine) = try Self.engine(
            dir: dir, executable: try Binaries.path("promshard-exec-job"), params: Self.params(ssh),
            workers: 1)
        defer { engine.cancel() }
        _ = try await store.submit(
            JobSpec(
                id: "cancel", hosts: Self.addresses(8), task: .adhoc(module: "shell", args: "sleep 318"),
                unitSize: 4, timeoutMs: 120_000), nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        let running = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            Self.processes("sleep 318").contains { $0.arguments.first == "sleep" }
        }
        #expect(running)
        #expect(try await store.cancel(job: "cancel", nowMs: Int64(Date().timeIntervalSince1970 * 1000)))
        let job = try #require(try await store.job("cancel"))
        #expect(job.state == .canceled && job.counts == ["canceled": 8], "\(job)")
        let gone = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
            Self.processes("sleep 318").isEmpty
        }
        #expect(gone, "left running: \(Self.processes("sleep 318").map(\.arguments))")
        #expect(try await store.results(job: "cancel", status: nil).allSatisfy { $0.status == .canceled })
    }

    @Test func customShellRunnerThroughThePluginProtocol() async throws {
        let dir = try TempDir("promshard-jobs")
        defer { dir.remove() }
        let (store, engine) = try Self.engine(
            dir: dir, executable: Tools.repositoryRoot + "/plugins/examples/job-runner.sh", params: [:])
        defer { engine.cancel() }
        _ = try await store.submit(
            JobSpec(
                id: "shell", hosts: ["127.0.0.1", "localhost", "no-such-host.invalid"],
                task: .adhoc(module: "ping", args: nil), unitSize: 2, timeoutMs: 10_000),
            nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        let job = try await Self.waitForEnd(store, "shell", timeout: .seconds(30))
        let rows = try await store.results(job: "shell", status: nil)
        #expect(job.counts == ["ok": 2, "failed": 1], "\(rows)")
        #expect(
            rows.map(\.stdout) == [
                "resolved 127.0.0.1", "resolved localhost", "cannot resolve no-such-host.invalid",
            ])
        #expect(rows.map(\.unit) == [0, 0, 1] && rows[2].rc == 2)
    }
}
