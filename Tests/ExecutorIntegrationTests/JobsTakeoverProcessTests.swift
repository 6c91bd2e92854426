import Foundation
import PromshardJobs
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two real `promshard run` instances share one job through a real
/// PostgreSQL store; one is SIGKILLed (supervisor, children and unit
/// process groups) while it holds claimed units. The survivor takes the
/// units over once their 2 s lease expired: the job ends with exactly one
/// final result per host, none lost, and no host that the killed
/// instance's claims recorded is run again.
///
/// The executor is a custom shell runner (protocol v1, request kind `job`)
/// written by the test: it "runs" each of the 40 hosts for 0.4 s, answers
/// `ran under <its parent pid>` (the instance's jobs child) and logs every
/// attempt, so the test knows who ran what. It does not connect to the
/// hosts: the real-ssh path is covered by ``JobsEngineTests``; here a slow,
/// deterministic runner keeps the kill in the middle of claimed units.
@Suite(.serialized)
struct JobsTakeoverProcessTests {
    static let hosts = (10..<50).map { "127.0.0.\($0)" }

    static let runner = """
        #!/bin/sh
        # Test job runner: 0.4 s per host, one line each, then the final line.
        set -u
        case "${1:-}" in
        describe) echo '{"name":"takeover-test-runner","version":"1.0","protocol":1}'; exit 0 ;;
        run) ;;
        *) exit 2 ;;
        esac
        log="$(dirname "$0")/attempts.log"
        request=$(cat)
        hosts=$(printf '%s' "$request" | sed -n 's/.*"hosts":\\[\\([^]]*\\)\\].*/\\1/p' | tr ',' '\\n' | tr -d '"')
        for host in $hosts; do
            sleep 0.4
            echo "$host $PPID" >> "$log"
            printf '{"host":"%s","status":"ok","rc":0,"stdout":"ran under %s"}\\n' "$host" "$PPID"
        done
        echo '{"status":"ok","message":"done"}'
        """

    /// Every live process of the instance whose supervisor is `pid`: the
    /// supervisor, its children and their descendants (the unit groups).
    static func tree(_ pid: Int32) -> [Int32] {
        let all = ProcessTable.all()
        var found: [Int32] = [pid]
        var index = 0
        while index < found.count {
            found += all.filter { $0.ppid == found[index] }.map(\.pid)
            index += 1
        }
        return found
    }

    /// SIGKILL to every process group of the instance and to each of its processes.
    static func killInstance(_ pid: Int32) {
        let pids = tree(pid)
        let own = getpgrp()
        for group in Set(pids.map { getpgid($0) }) where group > 1 && group != own { kill(-group, SIGKILL) }
        for p in pids { kill(p, SIGKILL) }
    }

    static func config(dir: TempDir, name: String, store: String, http: Int) -> String {
        """
        state_dir: \(dir.file("var-\(name)"))
        http: { listen: 127.0.0.1:\(http) }
        services: []
        jobs:
          store: \(store)
          workers: 2
          unit_size: 4
          lease: 2s
          timeout: 60s
          executor: \(dir.file("runner.sh"))
        """
    }

    @Test func killedInstanceUnitsAreTakenOverWithOneResultPerHost() async throws {
        let server = try await PostgreSQLServer.shared.start()
        let database = try server.createDatabase()
        defer { _ = try? server.sql("DROP DATABASE \(database) WITH (FORCE)") }
        let dir = try TempDir("promshard-takeover")
        defer { dir.remove() }
        try dir.write("runner.sh", Self.runner)
        chmod(dir.file("runner.sh"), 0o755)
        let store = server.url(database)
        let (httpA, httpB) = (freePort(), freePort())
        try dir.write("a.yaml", Self.config(dir: dir, name: "a", store: store, http: httpA))
        try dir.write("b.yaml", Self.config(dir: dir, name: "b", store: store, http: httpB))
        let binary = try Binaries.path("promshard")
        let a = try TestProcess(binary, ["run", "--config", dir.file("a.yaml")], log: dir.file("a.log"))
        defer { a.kill9() }
        let b = try TestProcess(binary, ["run", "--config", dir.file("b.yaml")], log: dir.file("b.log"))
        defer { b.kill9() }

        let submit = try CLI.promshard([
            "job", "submit", "--config", dir.file("a.yaml"), "--hosts", Self.hosts.joined(separator: ","),
            "--module", "ping", "--id", "takeover", "--json",
        ])
        #expect(submit.status == 0, "\(submit.stderr)")

        // Both instances run units; wait until A holds a claimed unit with hosts still pending.
        let aJobs = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            ProcessTable.child("jobs", of: a.pid) != nil
        }
        #expect(aJobs, "A has no jobs child:\n\(a.log)")
        let aPid = try #require(ProcessTable.child("jobs", of: a.pid))
        func unitsOfA() throws -> [Int] {
            try server.sql(
                """
                SELECT u.unit FROM promshard_job_unit u
                WHERE u.state = 'running' AND u.owner LIKE '%:\(aPid)'
                  AND EXISTS (SELECT 1 FROM promshard_job_host h
                              WHERE h.job_seq = u.job_seq AND h.unit = u.unit AND h.status = 'pending')
                """, database: database
            ).split(separator: "\n").compactMap { Int($0) }
        }
        let holding = await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
            ((try? unitsOfA()) ?? []).count > 0
        }
        #expect(holding, "A never held a unit:\n\(a.log)\n\(b.log)")
        try await Task.sleep(for: .milliseconds(500))  // in the middle of its units
        Self.killInstance(a.pid)
        let killedUnits = Set(try unitsOfA())
        #expect(!killedUnits.isEmpty)
        #expect(await a.wait(timeout: .seconds(5)) != nil)
        #expect(Self.tree(a.pid).filter { ProcessTable.alive($0) }.isEmpty)

        // The survivor finishes the job.
        let done = await eventually(timeout: .seconds(90), every: .milliseconds(200)) {
            let status = try? CLI.promshard([
                "job", "status", "takeover", "--config", dir.file("b.yaml"), "--json",
            ])
            let job = status.flatMap { try? JSONDecoder().decode(JobRecord.self, from: Data($0.stdout.utf8)) }
            return job?.state == .done
        }
        #expect(done, "the job did not end:\n\(b.log)")
        let results = try CLI.promshard([
            "job", "results", "takeover", "--config", dir.file("b.yaml"), "--json",
        ])
        let rows = try JSONDecoder().decode([HostResult].self, from: Data(results.stdout.utf8))
        #expect(rows.count == 40 && Set(rows.map(\.host)) == Set(Self.hosts))
        #expect(rows.allSatisfy { $0.status == .ok }, "\(rows.filter { $0.status != .ok })")

        let bPid = try #require(ProcessTable.child("jobs", of: b.pid))
        let attempts = (dir.read("attempts.log") ?? "").split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (host: String(parts[0]), pid: Int32(parts[1]) ?? 0)
        }
        let ranByB = Set(attempts.filter { $0.pid == bPid }.map(\.host))
        var takenOver = 0
        for row in rows where killedUnits.contains(row.unit) {
            if row.stdout == "ran under \(aPid)" {
                // Recorded by the killed claim: never run again.
                #expect(!ranByB.contains(row.host), "\(row.host) was recorded by A and run again by B")
            } else {
                #expect(row.stdout == "ran under \(bPid)", "\(row)")
                takenOver += 1
            }
        }
        #expect(takenOver > 0, "no host of A's claims was taken over")
        // Every unit A held was claimed again (a new token), by B.
        let attemptsOfKilled = try server.sql(
            "SELECT unit, attempt, owner FROM promshard_job_unit WHERE unit IN (\(killedUnits.map(String.init).joined(separator: ",")))",
            database: database)
        for line in attemptsOfKilled.split(separator: "\n") {
            let f = line.split(separator: "|")
            #expect(f.count == 3 && Int(f[1]) == 2 && f[2].hasSuffix(":\(bPid)"), "\(line)")
        }

        // The HTTP routes read the same store.
        let api = try Tools.run(Tools.curl, ["-sf", "http://127.0.0.1:\(httpB)/api/v1/jobs/takeover"])
        #expect(try JSONDecoder().decode(JobRecord.self, from: Data(api.utf8)).counts == ["ok": 40])
        let byIP = try Tools.run(
            Tools.curl, ["-sf", "http://127.0.0.1:\(httpB)/api/v1/results?ip=127.0.0.10"])
        #expect(try JSONDecoder().decode([HostResult].self, from: Data(byIP.utf8)).map(\.job) == ["takeover"])

        // The password is nowhere a person or a scraper sees it.
        for text in [
            a.log, b.log, try Tools.run(Tools.curl, ["-sf", "http://127.0.0.1:\(httpB)/metrics"]),
            try Tools.run(Tools.curl, ["-sf", "http://127.0.0.1:\(httpB)/"]),
            try Tools.run(Tools.curl, ["-sf", "http://127.0.0.1:\(httpB)/api/v1/status"]),
        ] {
            #expect(!text.contains(server.password))
        }
        b.signal(SIGTERM)
        #expect(await b.wait(timeout: .seconds(20)) != nil)
    }
}
