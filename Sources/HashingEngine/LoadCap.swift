/// Per-node load caps of the bounded-load mode.
///
/// Fair shares are proportional to weight, except that no node can hold more than one copy of each
/// target: a node whose proportional share would exceed the number of targets is held at that
/// number and the rest is shared among the others (water-filling; matters only with replicas).
///
/// `raw(node)` comes from the `LoadCapPolicy` and the fair share. The whole cap is `floor(raw)`,
/// plus one when the node's fixed pseudo-random threshold (from its name hash) is below
/// `raw − floor(raw)`. So caps stay stable per node when the fair share moves a little (a
/// collector joins or leaves) instead of all jumping at once, and no cap exceeds `ceil(raw)`.
/// Exact products such as 1.03 × 1000 are not inflated by rounding noise. If the caps cannot hold
/// all placements, the rounded-down nodes whose threshold was nearest are rounded up until they can.
enum LoadCap {
    /// Caps for `placements` placements of `targets` distinct targets; nil when unbounded.
    static func caps(policy: LoadCapPolicy, placements: Int, targets: Int, table: NodeTable) -> [Int]? {
        let fair = fairShares(placements: placements, targets: targets, weights: table.weights)
        var caps: [Int] = []
        var shortfall: [(gap: Double, id: Int)] = []
        for id in 0..<table.count {
            let share = placements > 0 ? fair[id] / Double(placements) : 1
            guard let raw = policy.raw(fair: fair[id], share: share) else { return nil }
            let exact = raw * (1 - 1e-12)
            let whole = exact.rounded(.down)
            let threshold = Mixer.unitInterval(Mixer.fmix64(table.hashes[id] ^ 0x6361_7073))  // "caps"
            let up = threshold < exact - whole
            caps.append(Int(whole) + (up ? 1 : 0))
            if !up && exact > whole {
                shortfall.append((threshold - (exact - whole), id))
            }
        }
        var missing = placements - caps.reduce(0, +)
        if missing > 0 {
            shortfall.sort { $0.gap != $1.gap ? $0.gap < $1.gap : $0.id < $1.id }
            for entry in shortfall where missing > 0 {
                caps[entry.id] += 1
                missing -= 1
            }
        }
        return caps.map { max(1, $0) }
    }

    /// `placements × weight / totalWeight`, with no node above `targets`.
    static func fairShares(placements: Int, targets: Int, weights: [Double]) -> [Double] {
        var fair = [Double](repeating: 0, count: weights.count)
        var held = [Bool](repeating: false, count: weights.count)
        var remaining = Double(placements)
        while true {
            let free = weights.indices.filter { !held[$0] }
            let weight = free.reduce(0.0) { $0 + weights[$1] }
            guard weight > 0 else { break }
            var clamped = false
            for id in free {
                fair[id] = remaining * weights[id] / weight
                if fair[id] > Double(targets) {
                    fair[id] = Double(targets)
                    held[id] = true
                    clamped = true
                }
            }
            guard clamped else { break }
            remaining = Double(placements) - Double(held.filter { $0 }.count * targets)
        }
        return fair
    }
}
