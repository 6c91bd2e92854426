import Foundation
import PromshardHashingEngine
import Testing

/// The same input gives the same assignment in separate processes (Swift's `Hasher` is seeded per
/// process, so this catches any accidental use of it) and in this one.
@Suite struct DeterminismTests {
    /// `promshard-bench`, built next to the test bundle by `swift build` / `swift test`.
    static func benchBinary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // macOS runs tests from inside an .xctest bundle; climb out of it.
        while directory.pathComponents.count > 1
            && directory.pathComponents.contains(where: { $0.hasSuffix(".xctest") })
        {
            directory = directory.deletingLastPathComponent()
        }
        let binary = directory.appendingPathComponent("promshard-bench")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw MissingBinary(path: binary.path)
        }
        return binary
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "promshard-bench not found at \(path): build it first (swift build --product promshard-bench with the same scratch path)"
        }
    }

    static func digest(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = try benchBinary()
        process.arguments = ["digest"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [
        (20_000, 10, 1, "default"), (20_000, 37, 2, "default"), (5_000, 100, 1, "1.0"), (3_000, 7, 3, "inf"),
    ])
    func twoProcessesAgree(targets: Int, collectors: Int, replicas: Int, factor: String) throws {
        var arguments = [
            "--targets", "\(targets)", "--collectors", "\(collectors)", "--replicas", "\(replicas)",
        ]
        if factor != "default" {
            arguments += ["--max-load-factor", factor]
        }
        let first = try Self.digest(arguments)
        let second = try Self.digest(arguments)
        #expect(!first.isEmpty)
        #expect(first == second)

        let plan = RendezvousAssigner.assign(
            service: "node", targetIDs: Sample.targets(targets), nodes: Sample.collectors(collectors),
            replicas: replicas,
            maxLoadFactor: factor == "default" ? nil : factor == "inf" ? .infinity : Double(factor))
        #expect(String(plan.digest, radix: 16) == first, "in-process plan differs from the subprocess")
    }

    @Test func knownAssignmentIsPinned() {
        // Pins the hash pipeline (XXH64 seeds, fmix64, tie-breaks): changing any of them would move
        // every target of every user on upgrade, so it must be a deliberate decision.
        let plan = RendezvousAssigner.assign(
            service: "node", targetIDs: ["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100", "10.0.0.4:9100"],
            nodes: [HashNode(name: "a:9090"), HashNode(name: "b:9090"), HashNode(name: "c:9090")],
            maxLoadFactor: .infinity)
        #expect(TargetKey.hash(service: "node", targetID: "10.0.0.1:9100") == 0x079E_9B65_83F0_1787)
        #expect(plan.targetsByNode == [[0], [], [1, 2, 3]])
        let digests = [
            (10_000, 10, 1, nil, "9c07f983423cfb5e"), (10_000, 100, 2, nil, "229d57d40e570897"),
            (10_000, 100, 1, Double.infinity, "e709a2dd51fbbf43"),
        ]
        for (targets, collectors, replicas, factor, expected) in digests {
            let big = RendezvousAssigner.assign(
                service: "node", targetIDs: Sample.targets(targets), nodes: Sample.collectors(collectors),
                replicas: replicas, maxLoadFactor: factor)
            #expect(String(big.digest, radix: 16) == expected)
        }
    }
}
