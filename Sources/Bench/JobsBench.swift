import Foundation
import PromshardJobs
import PromshardProtocol
import PromshardTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard-bench jobs`: the jobs engine on SQLite and on PostgreSQL (a
/// real cluster of the test fixture, started and stopped by the bench).
///
/// 1. Engine: a `--hosts` job (units of 30, 4 workers, the production
///    poll/flush/renew settings) run by a ``JobsEngine`` whose executor is
///    ``FakeJobExecutor`` (answers at once): seconds to submit, seconds to
///    record every host, hosts/s, wall and CPU ms per host. Beside it, the
///    floor: the same number of fake-executor runs, 4 at a time, without
///    the engine.
/// 2. By-ip queries: `--rows` final results (jobs of `--hosts` hosts, the
///    same hosts in every job) filled through the store's own submit,
///    claim, record and finish; then `--queries` `results(host:limit: 100)`
///    for random hosts (the HTTP `?ip=` default), p50 / p99.
enum JobsBench {
    struct Settings {
        var hosts = 10_000
        var rows = 1_000_000
        var queries = 2000
        var stores = ["sqlite", "postgres"]
    }

    static func main(_ arguments: [String]) -> Int32 {
        var settings = Settings()
        var args = arguments[...]
        while let flag = args.popFirst() {
            guard let value = args.popFirst() else { return usage("\(flag) needs a value") }
            switch flag {
            case "--hosts": settings.hosts = Int(value) ?? 0
            case "--rows": settings.rows = Int(value) ?? 0
            case "--queries": settings.queries = Int(value) ?? 0
            case "--stores": settings.stores = value.split(separator: ",").map(String.init)
            default: return usage("unknown option \(flag)")
            }
        }
        guard settings.hosts > 0, settings.rows >= settings.hosts, settings.queries > 0,
            settings.stores.allSatisfy({ ["sqlite", "postgres"].contains($0) })
        else { return usage("bad value") }
        let done = DispatchSemaphore(value: 0)
        let status = LockedStatus()
        Task {
            do { try await run(settings) } catch {
                FileHandle.standardError.write(Data("promshard-bench jobs: \(error)\n".utf8))
                status.set(1)
            }
            done.signal()
        }
        done.wait()
        return status.get()
    }

    static func usage(_ why: String) -> Int32 {
        FileHandle.standardError.write(
            Data(
                "promshard-bench jobs: \(why)\nusage: promshard-bench jobs [--hosts N] [--rows N] [--queries N] [--stores sqlite,postgres]\n"
                    .utf8))
        return 2
    }

    final class LockedStatus: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int32 = 0
        func set(_ v: Int32) { lock.withLock { value = v } }
        func get() -> Int32 { lock.withLock { value } }
    }

    // MARK: Measuring

    static func run(_ settings: Settings) async throws {
        let dir = try TempDir("promshard-bench-jobs")
        defer { dir.remove() }
        let executor = dir.file("fake-job-executor")
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        try dir.write("fake-job-executor", "#!/bin/sh\nexec '\(me)' fake-job-executor \"$@\"\n")
        chmod(executor, 0o755)
        let server = settings.stores.contains("postgres") ? try await PostgreSQLServer.shared.start() : nil
        func open(_ kind: String) throws -> any JobStore {
            if kind == "sqlite" {
                return try SQLiteJobStore(path: dir.file("\(UUID().uuidString).sqlite"))
            }
            guard let server else { throw JobError.store("no PostgreSQL") }
            return try PostgresJobStore(url: server.url(try server.createDatabase()))
        }
        let hosts = (0..<settings.hosts).map { "10.\($0 / 65536 % 256).\($0 / 256 % 256).\($0 % 256)" }
        emit(
            "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; load average at start \(loadAverage())"
        )
        emit(
            "\nengine: one job of \(hosts.count) hosts, units of 30, 4 workers, fake executor (answers at once)\n"
        )
        emit(
            "| store | submit s | record all s | hosts/s | wall ms/host | CPU ms/host (bench process) | load 1m |"
        )
        emit("|---|---:|---:|---:|---:|---:|---:|")
        for kind in settings.stores {
            let row = try await engineRow(try open(kind), hosts: hosts, executor: executor)
            emit("| \(kind) | \(row) | \(loadAverage(short: true)) |")
        }
        let floor = executorFloor(units: (hosts.count + 29) / 30, hostsPerUnit: 30, executor: executor)
        emit(
            "| floor: \((hosts.count + 29) / 30) fake-executor runs, 4 at a time, no engine | — | \(fixed(floor)) | \(Int(Double(hosts.count) / floor)) | \(fixed(floor * 1000 / Double(hosts.count), 3)) | — | \(loadAverage(short: true)) |"
        )

        let jobs = settings.rows / hosts.count
        emit(
            "\nby-ip queries: \(jobs * hosts.count) result rows (\(jobs) jobs × \(hosts.count) hosts), results(host:, limit: 100)\n"
        )
        emit("| store | fill s (rows/s) | queries | p50 ms | p99 ms | max ms | load 1m |")
        var plans: [String] = []
        emit("|---|---:|---:|---:|---:|---:|---:|")
        for kind in settings.stores {
            let store = try open(kind)
            let fill = try await fillRows(store, hosts: hosts, jobs: jobs)
            // Planner statistics as autovacuum would have them after such a load.
            try await (store as? PostgresJobStore)?.analyze()
            let times = try await queryTimes(
                store, hosts: hosts, count: settings.queries, expect: min(100, jobs))
            emit(
                "| \(kind) | \(fixed(fill)) (\(Int(Double(jobs * hosts.count) / fill))) | \(times.count) | \(fixed(percentile(times, 0.5), 2)) | \(fixed(percentile(times, 0.99), 2)) | \(fixed(times.max() ?? 0, 2)) | \(loadAverage(short: true)) |"
            )
            if let pg = store as? PostgresJobStore {
                plans.append("PostgreSQL:\n\(try await pg.queryPlan(host: hosts[0]))")
            }
            if let sqlite = store as? SQLiteJobStore {
                plans.append("SQLite:\n\(try await sqlite.queryPlan(host: hosts[0]))")
            }
        }
        emit("\nplans of the by-ip query:\n```\n\(plans.joined(separator: "\n\n"))\n```")
        emit("\nload average at the end \(loadAverage())")
    }

    /// `submit s | record all s | hosts/s | wall ms/host | CPU ms/host`.
    static func engineRow(_ store: any JobStore, hosts: [String], executor: String) async throws -> String {
        let cpu0 = cpuSeconds()
        let t0 = ContinuousClock.now
        _ = try await store.submit(
            JobSpec(
                id: "bench", hosts: hosts, task: .adhoc(module: "ping", args: nil), unitSize: 30,
                timeoutMs: 60_000), nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        let submitted = ContinuousClock.now
        let runner = UnitRunner(
            store: store, executable: executor, params: [:], leaseMs: 30_000, killGrace: .seconds(1))
        let engine = JobsEngine(store: store, runner: runner, workers: 4, owner: "bench")
        let task = Task { await engine.run() }
        defer { task.cancel() }
        while try await store.job("bench")?.state != .done {
            try await Task.sleep(for: .milliseconds(20))
        }
        let end = ContinuousClock.now
        task.cancel()
        await task.value
        let cpu = cpuSeconds() - cpu0
        guard let job = try await store.job("bench"), job.counts == ["ok": hosts.count] else {
            throw JobError.store("the bench job did not record every host ok")
        }
        let submit = seconds(submitted - t0)
        let record = seconds(end - submitted)
        let total = submit + record
        return
            "\(fixed(submit)) | \(fixed(record)) | \(Int(Double(hosts.count) / total)) | \(fixed(total * 1000 / Double(hosts.count), 3)) | \(fixed(cpu * 1000 / Double(hosts.count), 3))"
    }

    /// Seconds to run the fake executor `units` times, 4 at a time, each with `hostsPerUnit` hosts.
    static func executorFloor(units: Int, hostsPerUnit: Int, executor: String) -> Double {
        let request = JobRequest(
            job: "floor", unit: 0, hosts: (0..<hostsPerUnit).map { "10.0.0.\($0)" },
            task: .adhoc(module: "ping", args: nil), params: [:], deadlineMs: 60_000)
        let input = (try? JSONEncoder().encode(request)) ?? Data()
        let t0 = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: 4) { lane in
            for _ in stride(from: lane, to: units, by: 4) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executor)
                process.arguments = ["run"]
                let stdin = Pipe()
                let stdout = Pipe()
                process.standardInput = stdin
                process.standardOutput = stdout
                try? process.run()
                stdin.fileHandleForWriting.write(input + Data([0x0A]))
                try? stdin.fileHandleForWriting.close()
                _ = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
            }
        }
        return seconds(ContinuousClock.now - t0)
    }

    /// Fills `jobs` × hosts final results through the store; seconds taken.
    static func fillRows(_ store: any JobStore, hosts: [String], jobs: Int) async throws -> Double {
        let t0 = ContinuousClock.now
        for n in 0..<jobs {
            let id = "fill-\(n)"
            _ = try await store.submit(
                JobSpec(
                    id: id, hosts: hosts, task: .adhoc(module: "ping", args: nil), unitSize: 1000,
                    timeoutMs: 60_000), nowMs: Int64(n))
            let units = try await store.claim(owner: "fill", limit: 1000, leaseMs: 3_600_000, nowMs: Int64(n))
            for unit in units {
                let results = unit.hosts.map {
                    HostResult(
                        job: id, host: $0, status: .ok, rc: 0, stdout: "fill \(n)", unit: unit.unit,
                        started: Int64(n), finished: Int64(n))
                }
                guard try await store.record(results, for: unit) == results.count else {
                    throw JobError.store("fill: results refused")
                }
                try await store.finish(unit, leftover: .failed, msg: "", nowMs: Int64(n))
            }
        }
        return seconds(ContinuousClock.now - t0)
    }

    /// Milliseconds of each `results(host:limit: 100)` for random hosts.
    static func queryTimes(_ store: any JobStore, hosts: [String], count: Int, expect: Int) async throws
        -> [Double]
    {
        var generator = SystemRandomNumberGenerator()
        var times: [Double] = []
        times.reserveCapacity(count)
        for _ in 0..<count {
            let host = hosts.randomElement(using: &generator)!
            let t0 = ContinuousClock.now
            let rows = try await store.results(host: host, limit: 100)
            times.append(seconds(ContinuousClock.now - t0) * 1000)
            guard rows.count == expect else {
                throw JobError.store("\(host): \(rows.count) rows, not \(expect)")
            }
        }
        return times
    }

    // MARK: Helpers

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func fixed(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// User + system CPU seconds of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// `/proc/loadavg`: the three averages, or the 1-minute one.
    static func loadAverage(short: Bool = false) -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
        let parts = text.split(separator: " ")
        return short ? String(parts.first ?? "?") : parts.prefix(3).joined(separator: " ")
    }
}
