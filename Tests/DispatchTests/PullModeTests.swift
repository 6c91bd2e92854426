import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import Testing

/// Pull mode on the dispatch side: `executor: none` delivers nothing, and the
/// http_sd index covers every service whatever its executor.
struct PullModeTests {
    func config(executor: String = DispatchSettings.none, stateDir: String = "/var/promshard")
        -> PromshardConfig
    {
        PromshardConfig(
            sourcePath: "/x.yaml", stateDir: stateDir,
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: DispatchSettings(
                        executor: executor, dest: executor == "none" ? "" : "/sd/{port}.json"))
            ])
    }

    func nodes(_ names: [String], down: Set<String> = []) -> NodesBody {
        NodesBody(services: [
            "node": names.map {
                CollectorState(name: $0, address: "127.0.0.1", port: 1, healthy: !down.contains($0))
            }
        ])
    }

    @Test func noneDeliversNothingAndPublishesNothing() async throws {
        let calls = Counter()
        let published = Counter()
        let scheduler = DeliveryScheduler(
            runner: { _, _, _ in
                calls.add()
                return ExecutorOutcome(status: .ok, message: "ok")
            }, publish: { body in if body.last.isEmpty && body.deliveredVersion == 1 { published.add() } },
            history: { _ in published.add() })
        await scheduler.observe(nodes(["a", "b", "gone"]))
        await scheduler.apply(config: config(), assignment: nodeAssignment(1, ["a": ["t1"], "b": ["t2"]]))
        try await Task.sleep(for: .milliseconds(200))
        #expect(calls.value == 0)
        // One result without a record, so `/-/ready` knows the version needs nothing; no history row.
        #expect(published.value == 1)
    }

    @Test func theIndexHasEveryAssignedCollectorAndEmptyListsForTheOthers() {
        let assignment = nodeAssignment(3, ["a": ["t2", "t1"], "b": ["t3"]])
        let docs = SDIndex.documents(
            config: config(), assignment: assignment, rendered: RenderedShares(assignment),
            nodes: nodes(["a", "b", "down"], down: ["down"]), previous: [:])
        let node = try! #require(docs["node"])
        #expect(Set(node.keys) == ["a", "b", "down"])
        #expect(node["down"]?.content == Array("[]\n".utf8))
        // The same canonical bytes the file executor is given.
        #expect(node["a"]?.content == Renderer.render([TargetGroup(targets: ["t1", "t2"])]))
        #expect(node["a"]?.sha == SHA256.hex(Renderer.render([TargetGroup(targets: ["t1", "t2"])])))
        #expect(node["a"]?.targetCount == 2)
    }

    @Test func aServiceWithAnExecutorIsIndexedToo() {
        let assignment = nodeAssignment(1, ["a": ["t1"]])
        let docs = SDIndex.documents(
            config: config(executor: "file"), assignment: assignment, rendered: nil, nodes: nil, previous: [:]
        )
        #expect(docs["node"]?["a"]?.targetCount == 1)
    }

    @Test func withoutAnAssignmentOrWithNothingHealthyThePreviousDocumentsStay() {
        // No assignment yet, nothing before: left out (the endpoint answers 503).
        #expect(
            SDIndex.documents(
                config: config(), assignment: nil, rendered: nil, nodes: nodes(["a"]), previous: [:]
            )
            .isEmpty)
        let first = nodeAssignment(1, ["a": ["t1"]])
        let before = SDIndex.documents(
            config: config(), assignment: first, rendered: RenderedShares(first), nodes: nil, previous: [:])
        // Nothing healthy: hashing keeps the previous assignment and sends no collectors.
        var kept = nodeAssignment(2, [:])
        kept.services[0].keptPrevious = "no healthy collector"
        let after = SDIndex.documents(
            config: config(), assignment: kept, rendered: RenderedShares(kept),
            nodes: nodes(["a"], down: ["a"]),
            previous: before)
        #expect(after == before)
        // A service that left the config is dropped.
        var other = config()
        other.services[0].name = "other"
        #expect(
            SDIndex.documents(config: other, assignment: first, rendered: nil, nodes: nil, previous: before)
                .isEmpty)
    }

    @Test func fileNamesAreInjectiveAndStayInTheirDirectory() {
        let names = ["a/b", "a_b", "a%2Fb", "..", ".", "", "127.0.0.1:9090", "x y", "ü"]
        let escaped = names.map(SDFileName.escape)
        #expect(Set(escaped).count == names.count)
        for e in escaped {
            #expect(!e.contains("/"))
            #expect(e != "." && e != "..")
        }
        #expect(SDFileName.escape("127.0.0.1:9090") == "127.0.0.1%3A9090")
    }

    @Test func thePublisherWritesChangedFilesAndAnnouncesThem() async throws {
        let dir = NSTemporaryDirectory() + "/promshard-sd-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let publisher = SDPublisher(logger: .init(label: "test"))
        let one = nodeAssignment(1, ["a": ["t1"], "b": ["t2"]])
        let body = try #require(
            await publisher.update(
                config: config(stateDir: dir), assignment: one, rendered: RenderedShares(one), nodes: nil))
        let files = try #require(body.services["node"])
        #expect(files.map(\.collector) == ["a", "b"])
        for file in files {
            let bytes = try #require(FileManager.default.contents(atPath: file.path))
            #expect(SHA256.hex(Array(bytes)) == file.sha256)
            #expect(file.path.hasPrefix("\(dir)/sd/node/"))
        }
        // The same shares under a new version: nothing new to announce.
        let same = nodeAssignment(2, ["b": ["t2"], "a": ["t1"]])
        #expect(
            await publisher.update(
                config: config(stateDir: dir), assignment: same, rendered: RenderedShares(same), nodes: nil)
                == nil)
        // b leaves: its file is removed.
        let fewer = nodeAssignment(3, ["a": ["t1", "t2"]])
        let next = try #require(
            await publisher.update(
                config: config(stateDir: dir), assignment: fewer, rendered: RenderedShares(fewer), nodes: nil)
        )
        #expect(next.services["node"]?.map(\.collector) == ["a"])
        #expect(!FileManager.default.fileExists(atPath: files[1].path))
        #expect(next.services["node"]?[0].targets == 2)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() {
        lock.lock()
        n += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}
