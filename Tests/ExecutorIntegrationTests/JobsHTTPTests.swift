import Foundation
import PromshardJobs
import PromshardTestSupport
import Testing

/// `POST /api/v1/jobs` and `POST /api/v1/jobs/<id>/cancel` over real HTTP
/// (curl) against a running daemon: status codes and JSON bodies as
/// DESIGN.md's jobs section names them.
@Suite(.serialized)
struct JobsHTTPTests {
    @Test func submitAnswers201OrAClear400And409ForATakenID() async throws {
        let daemon = try JobsDaemon(workers: 2, unitSize: 2)
        defer { daemon.stop() }
        #expect(await daemon.waitForHTTP(), "\(daemon.log)")

        let created = try daemon.post(
            "/api/v1/jobs",
            #"{"hosts":["127.0.0.1","127.0.0.2","127.0.0.3"],"module":"ping","id":"api1","unit_size":1,"timeout":"30s"}"#
        )
        #expect(created.status == 201, "\(created)")
        #expect(JobsDaemon.object(created.body) as? [String: String] == ["id": "api1"], "\(created.body)")
        // The job is in the store with what the body asked for.
        let job = try #require(daemon.get("/api/v1/jobs/api1"))
        let record = try JSONDecoder().decode(JobRecord.self, from: Data(job.body.utf8))
        #expect(record.hosts == 3 && record.units == 3 && record.unitSize == 1 && record.timeoutMs == 30_000)
        #expect(record.task == .adhoc(module: "ping", args: nil))

        // Without an id, one is generated.
        let generated = try daemon.post("/api/v1/jobs", #"{"hosts":["127.0.0.9"],"module":"ping"}"#)
        #expect(generated.status == 201, "\(generated)")
        let id = try #require(JobsDaemon.object(generated.body)?["id"] as? String)
        #expect(id.hasPrefix("j") && daemon.get("/api/v1/jobs/\(id)")?.status == 200)

        let taken = try daemon.post("/api/v1/jobs", #"{"hosts":["127.0.0.4"],"module":"ping","id":"api1"}"#)
        #expect(taken.status == 409, "\(taken)")
        #expect(
            JobsDaemon.object(taken.body) as? [String: String] == [
                "error": "a job with id \"api1\" already exists"
            ], "\(taken.body)")

        let bad: [(body: String, error: String)] = [
            ("not json", "the body is not JSON"),
            (#"["127.0.0.1"]"#, "the body must be a JSON object"),
            (#"{"module":"ping"}"#, "missing key \"hosts\""),
            (#"{"hosts":"127.0.0.1","module":"ping"}"#, "\"hosts\" must be an array of strings"),
            (#"{"hosts":["127.0.0.1",7],"module":"ping"}"#, "\"hosts\"[1] must be a string"),
            (#"{"hosts":["127.0.0.1"],"modul":"ping"}"#, "unknown key \"modul\""),
            (#"{"hosts":["127.0.0.1"]}"#, "give \"module\" (with \"args\") or \"playbook\""),
            (#"{"hosts":["127.0.0.1"],"module":"ping","playbook":"/etc/hostname"}"#, "not both"),
            (
                #"{"hosts":["127.0.0.1"],"playbook":"/etc/hostname","args":"x"}"#,
                "\"args\" goes with \"module\""
            ),
            (#"{"hosts":["127.0.0.1"],"playbook":"relative.yml"}"#, "is not a readable absolute path"),
            (
                #"{"hosts":["127.0.0.1"],"module":"ping","timeout":"soon"}"#,
                "timeout \"soon\" is not a duration"
            ),
            (#"{"hosts":["127.0.0.1"],"module":"ping","unit_size":1.5}"#, "\"unit_size\" must be an integer"),
            (#"{"hosts":["127.0.0.1"],"module":"ping","unit_size":0}"#, "unit size must be at least 1"),
            (#"{"hosts":["-oProxyCommand=x"],"module":"ping"}"#, "not a host name or address"),
            (#"{"hosts":[" "],"module":"ping"}"#, "invalid job: no hosts"),
            (#"{"hosts":["127.0.0.1"],"module":"ping","id":"../x"}"#, "id \"../x\""),
            (#"{"hosts":["127.0.0.1"],"module":"sh; rm"}"#, "adhoc job needs a module name"),
        ]
        for (body, error) in bad {
            let answer = try daemon.post("/api/v1/jobs", body)
            #expect(answer.status == 400, "\(body) → \(answer)")
            let message = JobsDaemon.object(answer.body)?["error"] as? String ?? ""
            #expect(message.contains(error), "\(body) → \(answer.body)")
        }
        // A body past 8 MiB: 413, read no further.
        let hosts = (0..<1_000_000).map { "\"h\($0)\"" }.joined(separator: ",")
        try daemon.dir.write("big.json", #"{"module":"ping","hosts":["# + hosts + "]}")
        let big = try daemon.post("/api/v1/jobs", "@" + daemon.dir.file("big.json"))
        #expect(big.status == 413, "\(big.status) \(big.body.prefix(200))")
        #expect(JobsDaemon.object(big.body)?["error"] as? String == "the body is longer than 8388608 bytes")
        // A refused request stored nothing.
        let list = try #require(daemon.get("/api/v1/jobs"))
        let jobs = try JSONDecoder().decode([JobRecord].self, from: Data(list.body.utf8))
        #expect(Set(jobs.map(\.id)) == ["api1", id], "\(list.body)")
    }

    @Test func cancelStopsARunningJobOnceAndAnswers404ForAnUnknownOne() async throws {
        let daemon = try JobsDaemon(workers: 1, unitSize: 2)
        defer { daemon.stop() }
        #expect(await daemon.waitForHTTP(), "\(daemon.log)")
        let created = try daemon.post(
            "/api/v1/jobs",
            #"{"hosts":["127.0.0.1","127.0.0.2","127.0.0.3","127.0.0.4"],"module":"ping","id":"c1"}"#)
        #expect(created.status == 201, "\(created)")
        // Unit 0 runs (its first host reported, the second held by the gate); unit 1 is queued.
        var body = ""
        let running = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            body = daemon.get("/api/v1/jobs/c1")?.body ?? ""
            guard let r = try? JSONDecoder().decode(JobRecord.self, from: Data(body.utf8)) else {
                return false
            }
            return r.state == .running && r.counts["ok"] == 1
        }
        #expect(running, "\(body)\n\(daemon.log)")

        let cancel = try daemon.post("/api/v1/jobs/c1/cancel", "")
        #expect(cancel.status == 200, "\(cancel)")
        let canceled = JobsDaemon.object(cancel.body)
        #expect(
            canceled?.count == 2 && canceled?["id"] as? String == "c1"
                && canceled?["canceled"] as? Bool == true,
            "\(cancel.body)")
        let record = try JSONDecoder().decode(
            JobRecord.self, from: Data((daemon.get("/api/v1/jobs/c1")?.body ?? "").utf8))
        #expect(record.state == .canceled && record.counts == ["ok": 1, "canceled": 3], "\(record)")

        // A second cancel: the job had already ended.
        let again = try daemon.post("/api/v1/jobs/c1/cancel", "")
        let ended = JobsDaemon.object(again.body)
        #expect(again.status == 200, "\(again)")
        #expect(ended?["id"] as? String == "c1" && ended?["canceled"] as? Bool == false, "\(again.body)")

        let unknown = try daemon.post("/api/v1/jobs/nope/cancel", "")
        #expect(unknown.status == 404, "\(unknown)")
        #expect(JobsDaemon.object(unknown.body) as? [String: String] == ["error": "no job \"nope\""])

        // The unit's process group is gone: the runner sees the cancel at its next renewal.
        let runner = daemon.dir.file("gated-runner.sh")
        let gone = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            ProcessTable.all().allSatisfy { !$0.arguments.contains(runner) }
        }
        #expect(gone, "the runner still runs after the cancel")
        // Nothing recorded after the cancel: the held host stays canceled.
        let results = try #require(daemon.get("/api/v1/jobs/c1/results"))
        let rows = try JSONDecoder().decode([HostResult].self, from: Data(results.body.utf8))
        #expect(rows.map(\.status) == [.ok, .canceled, .canceled, .canceled], "\(results.body)")
    }
}
