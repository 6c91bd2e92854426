/// Picks the R best-scoring nodes for one target hash among the nodes still open.
///
/// Score of (target, node) = `-weight / ln(u)` with `u = unitInterval(fmix64(target ^ node))`
/// (weighted rendezvous hashing). Within a weight group this order equals the order of the raw
/// score bits, so the inner loop is integer-only; `StableLog.ln` is evaluated only for the
/// winners of each group when there are several weights. Ties go to the lower canonical id.
/// Nodes can be closed (removed) when they reach their load cap.
final class CandidateSelector {
    let replicas: Int
    private let groupCount: Int
    private let nodeCount: Int
    /// Open node keys and ids, group after group; group g occupies `start[g] ..< start[g] + open[g]`.
    private let keys: UnsafeMutablePointer<UInt64>
    private let ids: UnsafeMutablePointer<Int32>
    private var start: [Int]
    private var open: [Int]
    private let groupWeights: [Double]
    /// Scratch: the best R of one group, and the candidates of all groups.
    private let topBits: UnsafeMutablePointer<UInt64>
    private let topIDs: UnsafeMutablePointer<Int32>
    private let candKeys: UnsafeMutablePointer<Double>
    private let candIDs: UnsafeMutablePointer<Int32>
    /// Canonical id → position inside its group's open region, -1 once closed.
    private var position: [Int]
    private var groupOf: [Int]

    /// Number of nodes still open.
    private(set) var openCount: Int

    init(table: NodeTable, replicas: Int) {
        self.replicas = replicas
        groupCount = table.groups.count
        nodeCount = table.count
        keys = .allocate(capacity: max(1, nodeCount))
        ids = .allocate(capacity: max(1, nodeCount))
        topBits = .allocate(capacity: max(1, replicas))
        topIDs = .allocate(capacity: max(1, replicas))
        candKeys = .allocate(capacity: max(1, replicas * groupCount))
        candIDs = .allocate(capacity: max(1, replicas * groupCount))
        start = []
        open = []
        groupWeights = table.groups.map { table.weights[Int($0[0])] }
        position = Array(repeating: -1, count: nodeCount)
        groupOf = Array(repeating: 0, count: nodeCount)
        var offset = 0
        for (g, members) in table.groups.enumerated() {
            start.append(offset)
            open.append(members.count)
            for (p, id) in members.enumerated() {
                keys[offset + p] = table.hashes[Int(id)]
                ids[offset + p] = id
                position[Int(id)] = p
                groupOf[Int(id)] = g
            }
            offset += members.count
        }
        openCount = nodeCount
    }

    deinit {
        keys.deallocate()
        ids.deallocate()
        topBits.deallocate()
        topIDs.deallocate()
        candKeys.deallocate()
        candIDs.deallocate()
    }

    /// Whether every open node has the same weight (the integer-only fast path applies).
    var isSingleGroup: Bool { groupCount == 1 }

    /// The open keys and ids of the first group, for the caller's specialised loop.
    func firstGroup() -> (keys: UnsafePointer<UInt64>, ids: UnsafePointer<Int32>, count: Int) {
        (UnsafePointer(keys + start[0]), UnsafePointer(ids + start[0]), open[0])
    }

    /// Closes a node: it is no longer selected. Keeps canonical order of the others.
    func close(_ id: Int32) {
        let p = position[Int(id)]
        guard p >= 0 else { return }
        let g = groupOf[Int(id)]
        let base = start[g]
        let last = open[g] - 1
        if p < last {
            for q in p..<last {
                keys[base + q] = keys[base + q + 1]
                ids[base + q] = ids[base + q + 1]
                position[Int(ids[base + q])] = q
            }
        }
        position[Int(id)] = -1
        open[g] = last
        openCount -= 1
    }

    /// Writes the best `min(replicas, openCount)` open nodes for `target` into `out`, best first,
    /// and returns how many were written.
    @inline(__always)
    func select(_ target: UInt64, into out: UnsafeMutablePointer<Int32>) -> Int {
        if groupCount == 1 {
            return topInGroup(0, target, bits: topBits, ids: out)
        }
        var candidates = 0
        for g in 0..<groupCount {
            let n = topInGroup(g, target, bits: topBits, ids: topIDs)
            let weight = groupWeights[g]
            for k in 0..<n {
                let key = -StableLog.ln(Mixer.unitInterval(topBits[k])) / weight
                insertCandidate(key, topIDs[k], count: &candidates)
            }
        }
        let n = min(candidates, replicas)
        for k in 0..<n {
            out[k] = candIDs[k]
        }
        return n
    }

    /// Inserts into the ascending (key, id) candidate list, keeping at most `replicas` entries.
    @inline(__always)
    private func insertCandidate(_ key: Double, _ id: Int32, count: inout Int) {
        var p: Int
        if count < replicas {
            p = count
            count += 1
        } else {
            let lastKey = candKeys[replicas - 1]
            guard key < lastKey || (key == lastKey && id < candIDs[replicas - 1]) else { return }
            p = replicas - 1
        }
        while p > 0 && (candKeys[p - 1] > key || (candKeys[p - 1] == key && candIDs[p - 1] > id)) {
            candKeys[p] = candKeys[p - 1]
            candIDs[p] = candIDs[p - 1]
            p -= 1
        }
        candKeys[p] = key
        candIDs[p] = id
    }

    /// The best R open nodes of group `g` by raw score bits (descending), ties to the earlier one.
    @inline(__always)
    private func topInGroup(
        _ g: Int, _ target: UInt64, bits: UnsafeMutablePointer<UInt64>, ids out: UnsafeMutablePointer<Int32>
    ) -> Int {
        let base = start[g]
        let count = open[g]
        guard count > 0 else { return 0 }
        let k = keys + base
        let id = ids + base
        if replicas == 1 {
            var best = Mixer.pairScore(target: target, node: k[0])
            var bestAt = 0
            var j = 1
            while j < count {
                let v = Mixer.pairScore(target: target, node: k[j])
                if v > best {
                    best = v
                    bestAt = j
                }
                j += 1
            }
            bits[0] = best
            out[0] = id[bestAt]
            return 1
        }
        var n = 0
        for j in 0..<count {
            let v = Mixer.pairScore(target: target, node: k[j])
            var p: Int
            if n < replicas {
                p = n
                n += 1
            } else if v > bits[replicas - 1] {
                p = replicas - 1
            } else {
                continue
            }
            while p > 0 && bits[p - 1] < v {
                bits[p] = bits[p - 1]
                out[p] = out[p - 1]
                p -= 1
            }
            bits[p] = v
            out[p] = id[j]
        }
        return n
    }
}
