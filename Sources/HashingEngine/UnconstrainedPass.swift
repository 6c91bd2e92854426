/// The plain weighted-rendezvous pass: each target's R best nodes, ignoring loads.
///
/// This is the O(targets × nodes) hot loop. With one weight and one replica it is a branch-light
/// integer loop: one xor, `fmix64` and a compare per (target, node) pair.
enum UnconstrainedPass {
    /// Owners as canonical ids, `replicas` per target (best first), targets in input order.
    static func run(hashes: [UInt64], selector: CandidateSelector) -> [Int32] {
        let r = selector.replicas
        let count = hashes.count
        guard count > 0 else { return [] }
        return [Int32](unsafeUninitializedCapacity: count * r) { out, initialized in
            hashes.withUnsafeBufferPointer { th in
                if selector.isSingleGroup && r == 1 {
                    let (keys, ids, n) = selector.firstGroup()
                    for i in 0..<count {
                        out[i] = ids[bestPosition(th[i], keys: keys, count: n)]
                    }
                } else {
                    let base = out.baseAddress!
                    for i in 0..<count {
                        _ = selector.select(th[i], into: base + i * r)
                    }
                }
            }
            initialized = count * r
        }
    }

    /// Position of the highest score bits; ties to the earlier position.
    @inline(__always)
    static func bestPosition(_ target: UInt64, keys: UnsafePointer<UInt64>, count: Int) -> Int {
        var best = Mixer.pairScore(target: target, node: keys[0])
        var bestAt = 0
        var j = 1
        while j < count {
            let v = Mixer.pairScore(target: target, node: keys[j])
            if v > best {
                best = v
                bestAt = j
            }
            j += 1
        }
        return bestAt
    }
}
