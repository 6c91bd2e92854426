import Foundation
import PromshardHashingEngine

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard-bench daemon`: the whole daemon (`promshard run`, release build) at a given size,
/// timed from the files it delivers. See docs/PERFORMANCE.md.
///
/// 1. **first split**: start → every collector's file written and together holding every target
///    exactly once (time of the newest file's mtime);
/// 2. **failover**: one collector stops answering → its file is `[]` and the others hold every
///    target exactly once (the probe interval of 1 s is included);
/// 3. **return**: it answers again → all files right with it included;
/// 4. **peak RSS** (`VmHWM`) of the supervisor and each child, read before stopping.
///
/// Beside it, the engine's own time on the same targets and collectors is the floor.
enum DaemonBench {
    struct Row {
        var targets: Int
        var collectors: Int
        var firstSplit: Double
        var failover: Double
        var back: Double
        var rss: [(role: String, bytes: Int)]
        var engine: Double
        var engineFailover: Double
        var totalRSS: Int { rss.map(\.bytes).reduce(0, +) }
    }

    static let header =
        "| targets × collectors | first split | failover | return | peak RSS, all processes | per process (MB) | engine: split / failover |"
    static let rule = "|---|---:|---:|---:|---:|---|---:|"

    static func line(_ r: Row) -> String {
        let per = r.rss.map { "\($0.role) \($0.bytes >> 20)" }.joined(separator: ", ")
        return
            "| \(r.targets) × \(r.collectors) | \(seconds(r.firstSplit)) | \(seconds(r.failover)) | \(seconds(r.back)) | \(r.totalRSS >> 20) MB | \(per) | \(seconds(r.engine)) / \(seconds(r.engineFailover)) |"
    }

    static func seconds(_ s: Double) -> String {
        if s.isNaN { return "—" }
        if s < 0.1 { return String(format: "%.1f ms", s * 1000) }
        return String(format: s < 10 ? "%.2f s" : "%.1f s", s)
    }

    /// Runs one size; `promshard` is the daemon binary.
    static func run(
        targets n: Int, collectors m: Int, promshard: String, timeout: Double, keep: Bool
    ) throws -> Row {
        let fleet = try DaemonFleet(targets: n, collectors: m)
        defer {
            if keep {
                fleet.collectors.forEach { $0.stop() }
                FileHandle.standardError.write(Data("kept \(fleet.dir)\n".utf8))
            } else {
                fleet.remove()
            }
        }
        let check = ShareCheck(targets: fleet.targets)
        let (engine, engineFailover) = engineTimes(fleet)

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: promshard)
        daemon.arguments = ["run", "--config", fleet.configPath]
        FileManager.default.createFile(atPath: fleet.logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: fleet.logPath))
        daemon.standardOutput = log
        daemon.standardError = log
        let started = Date().timeIntervalSince1970
        try daemon.run()
        defer {
            if daemon.isRunning {
                kill(daemon.processIdentifier, SIGTERM)
                daemon.waitUntilExit()
            }
        }
        let all = fleet.outputs
        let first = try wait(for: all, since: started, timeout: timeout, log: fleet.logPath) {
            check.exact(paths: all) != nil
        }

        let dead = m / 2
        let survivors = all.enumerated().filter { $0.offset != dead }.map(\.element)
        let failed = Date().timeIntervalSince1970
        fleet.collectors[dead].stop()
        let failover = try wait(for: all, since: failed, timeout: timeout, log: fleet.logPath) {
            check.exact(paths: survivors, empty: [all[dead]]) != nil
        }

        let back = Date().timeIntervalSince1970
        try fleet.collectors[dead].start()
        let returned = try wait(for: all, since: back, timeout: timeout, log: fleet.logPath) {
            (FileStamps.stamp(all[dead])?.mtime ?? 0) > back && check.exact(paths: all) != nil
        }

        let rss = processRSS(supervisor: daemon.processIdentifier)
        return Row(
            targets: n, collectors: m, firstSplit: first, failover: failover, back: returned, rss: rss,
            engine: engine, engineFailover: engineFailover)
    }

    /// Polls the files; when they changed and then stayed unchanged for a moment, runs `right`.
    /// Returns the newest mtime minus `since` once `right` holds.
    static func wait(
        for paths: [String], since: Double, timeout: Double, log: String, right: () -> Bool
    ) throws -> Double {
        let deadline = Date().timeIntervalSince1970 + timeout
        var last: [Double] = []
        var checked: [Double] = []
        while Date().timeIntervalSince1970 < deadline {
            usleep(100_000)
            let now = FileStamps.fingerprint(paths)
            defer { last = now }
            guard now == last, now != checked, FileStamps.newest(paths) > since else { continue }
            checked = now
            if right() { return FileStamps.newest(paths) - since }
        }
        let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(20)
            .joined(separator: "\n")
        throw BenchError("files not right within \(timeout) s; end of the daemon log:\n\(tail ?? "")")
    }

    /// Best of three engine runs on the same input, for all collectors and without the one
    /// that fails over.
    static func engineTimes(_ fleet: DaemonFleet) -> (Double, Double) {
        let nodes = fleet.collectors.map { HashNode(name: "127.0.0.1:\($0.port)") }
        func best(_ nodes: [HashNode]) -> Double {
            (0..<3).map { _ in
                let t = Date()
                let plan = RendezvousAssigner.assign(service: "node", targetIDs: fleet.targets, nodes: nodes)
                precondition(plan.targetsByNode.count == nodes.count)
                return Date().timeIntervalSince(t)
            }.min()!
        }
        var fewer = nodes
        fewer.remove(at: nodes.count / 2)
        return (best(nodes), best(fewer))
    }

    /// `VmHWM` of the supervisor and each of its children, by role.
    static func processRSS(supervisor: Int32) -> [(role: String, bytes: Int)] {
        var rows: [(String, Int)] = [("supervisor", PeakRSS.of("\(supervisor)"))]
        let pids =
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        for pid in pids {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == supervisor,
                let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { continue }
            let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard args.count >= 3, args[1] == "child" else { continue }
            rows.append((args[2], PeakRSS.of("\(pid)")))
        }
        let order = ["supervisor", "discovery", "hashing", "dispatch", "health"]
        return rows.sorted { (order.firstIndex(of: $0.0) ?? 9) < (order.firstIndex(of: $1.0) ?? 9) }
            .map { (role: $0.0, bytes: $0.1) }
    }
}
