import ConsulSimulator
import Foundation
import PromshardConsul
import PromshardTestSupport
import Testing

/// `consul.config_key`'s watch against the simulator: blocking reads of one
/// key that follow changes, deletion, an empty value and Consul going away.
@Suite(.serialized) struct KeyWatchTests {
    static let key = "promshard/config"

    func watching(_ sim: ConsulSimulator, wait: Duration = .seconds(30)) -> (
        Recorder<KeyWatch.Update>, Task<Void, Never>
    ) {
        let recorder = Recorder<KeyWatch.Update>()
        let watch = KeyWatch(
            client: ConsulClient(address: "http://127.0.0.1:\(sim.port)"), key: Self.key, wait: wait,
            backoff: Backoff(initial: .milliseconds(200), max: .seconds(1)))
        let task = Task { await watch.run { recorder.add($0) } }
        return (recorder, task)
    }

    func lastText(_ r: Recorder<KeyWatch.Update>) -> String? {
        if case .value(let bytes, _)? = r.last { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    func isMissing(_ r: Recorder<KeyWatch.Update>) -> Bool {
        if case .missing? = r.last { return true }
        return false
    }

    func failures(_ r: Recorder<KeyWatch.Update>) -> Int {
        r.all.filter { if case .failed = $0 { true } else { false } }.count
    }

    @Test func changesOfTheValueArriveWithoutPolling() async throws {
        try await withSimulator { sim in
            await sim.putKey(Self.key, "services: [a]\n")
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "services: [a]\n" })
            await sim.putKey(Self.key, "services: [b]\n")
            #expect(await eventually(timeout: .seconds(3)) { lastText(rec) == "services: [b]\n" })
            // Other keys changing do not wake the watch with a new value.
            let reported = rec.all.count
            await sim.putKey("other/key", "x")
            try await Task.sleep(for: .milliseconds(300))
            #expect(rec.all.count == reported)
            // An empty value (Consul answers "Value": null) is reported as empty, not as missing.
            await sim.putKey(Self.key, [UInt8]())
            #expect(await eventually(timeout: .seconds(3)) { lastText(rec) == "" })
            let requests = sim.requests.filter { $0.hasPrefix("GET /v1/kv/promshard/config") }
            #expect(requests.count <= 6, "\(requests)")
            #expect(requests.dropFirst().allSatisfy { $0.contains("index=") && $0.contains("wait=30s") })
        }
    }

    @Test func aMissingOrDeletedKeyIsReportedAsMissing() async throws {
        try await withSimulator { sim in
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { isMissing(rec) })
            #expect(failures(rec) == 0, "a 404 is an answer, not a failure")
            await sim.putKey(Self.key, "v1")
            #expect(await eventually(timeout: .seconds(3)) { lastText(rec) == "v1" })
            await sim.deleteKey(Self.key)
            #expect(await eventually(timeout: .seconds(3)) { isMissing(rec) })
            await sim.putKey(Self.key, "v2")
            #expect(await eventually(timeout: .seconds(3)) { lastText(rec) == "v2" })
        }
    }

    @Test func consulStoppedAndRestartedIsFollowedAgain() async throws {
        try await withSimulator { sim in
            await sim.putKey(Self.key, "v1")
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "v1" })
            await sim.stop()
            #expect(await eventually(timeout: .seconds(5)) { failures(rec) >= 1 })
            // Backoff, not a storm: a handful of failures in 2 s (200 ms doubling to 1 s).
            try await Task.sleep(for: .seconds(2))
            #expect(failures(rec) <= 6, "\(failures(rec)) failures in about 2 s")
            // Back after losing its data, the index restarting low: read afresh.
            await sim.reset(index: 1)
            await sim.putKey(Self.key, "v2")
            try await sim.start()
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "v2" }, "\(rec.all)")
            await sim.putKey(Self.key, "v3")
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "v3" })
        }
    }

    @Test func anIndexGoingBackwardsIsFollowedByAFreshRead() async throws {
        try await withSimulator { sim in
            for i in 0..<10 { await sim.putKey("filler/\(i)", "x") }
            await sim.putKey(Self.key, "v1")
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "v1" })
            await sim.rewind(to: 3)
            await sim.putKey(Self.key, "v2")  // index 4: below what the watch had seen
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "v2" })
        }
    }

    @Test func cancellingEndsAWaitingQueryAtOnce() async throws {
        try await withSimulator { sim in
            await sim.putKey(Self.key, "v1")
            let (rec, task) = watching(sim, wait: .seconds(300))
            #expect(await eventually(timeout: .seconds(5)) { lastText(rec) == "v1" })
            try await Task.sleep(for: .milliseconds(300))  // now blocked in a 5 min query
            let started = ContinuousClock.now
            task.cancel()
            await task.value
            #expect(ContinuousClock.now - started < .seconds(5))
            let count = rec.all.count
            await sim.putKey(Self.key, "v2")
            try await Task.sleep(for: .milliseconds(300))
            #expect(rec.all.count == count, "a cancelled watch reports nothing more")
        }
    }

    @Test func theSimulatorFollowsConsulsKVAnswers() async throws {
        try await withSimulator { sim in
            let client = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            let missing = try await client.request("GET", "/v1/kv/none")
            #expect(missing.status == 404 && missing.index != nil)
            _ = try await client.request("PUT", "/v1/kv/k", body: Array("hello".utf8))
            let read = try await client.request("GET", "/v1/kv/k")
            let object = try JSONSerialization.jsonObject(with: Data(read.body)) as? [[String: Any]]
            #expect(object?.first?["Value"] as? String == Data("hello".utf8).base64EncodedString())
            #expect(object?.first?["Key"] as? String == "k")
            #expect(read.index == (object?.first?["ModifyIndex"] as? NSNumber)?.uint64Value)
            _ = try await client.request("PUT", "/v1/kv/k", body: [])
            let empty = try await client.request("GET", "/v1/kv/k")
            #expect(String(decoding: empty.body, as: UTF8.self).contains("\"Value\":null"))
            let tooBig = [UInt8](repeating: 0x61, count: ConsulSimulator.maxValueBytes + 1)
            await #expect(throws: ConsulError.self) {
                _ = try await client.request("PUT", "/v1/kv/k", body: tooBig)
            }
            _ = try await client.request("DELETE", "/v1/kv/k")
            #expect(try await client.request("GET", "/v1/kv/k").status == 404)
        }
    }
}
