import PromshardHashingEngine

/// A small deterministic generator so that shuffles in tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        return Mixer.fmix64(state)
    }
}

/// Synthetic inputs shared by the tests (same shape as the benchmark's, see Sources/Bench/Fleet.swift).
enum Sample {
    static func targets(_ n: Int) -> [String] {
        (0..<n).map { i in "10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255):9100" }
    }

    static func collector(_ j: Int, weight: Double = 1) -> HashNode {
        HashNode(name: "prometheus-\(j):9090", weight: weight)
    }

    static func collectors(_ n: Int) -> [HashNode] {
        (0..<n).map { collector($0) }
    }
}

extension AssignmentPlan {
    /// Owner names per target id.
    func owners(of targetIDs: [String]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for id in targetIDs {
            result[id] = []
        }
        for (n, list) in targetsByNode.enumerated() {
            for t in list {
                result[targetIDs[t], default: []].insert(nodes[n].name)
            }
        }
        return result
    }

    /// Owner names per target id, as MovementAccounting wants them.
    func ownerLists(of targetIDs: [String]) -> [String: [String]] {
        owners(of: targetIDs).mapValues { $0.sorted() }
    }
}
