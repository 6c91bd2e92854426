/// Per-node load bounds of the sticky engine.
///
/// With `fair` the node's fair share (`LoadCap.fairShares`: placements × weight / total weight,
/// no node above one copy of every target):
/// - `cap = ceil(factor × fair)`, plus one with replicas: no node holds more (the balance
///   guarantee; with replicas the one spare slot per node leaves the end game room to find R
///   distinct owners);
/// - `floor = floor(fair)`: orphans go first to nodes below it, and a newcomer fills up to it.
///
/// Both only grow when a collector leaves (its fair share grows), which is why a leave never
/// forces a survivor to give anything up. Unbounded: no cap and no floor (pure rendezvous).
struct StickyBounds {
    var caps: [Int]
    var floors: [Int]
    var bounded: Bool

    init(factor: Double?, placements: Int, targets: Int, replicas: Int, table: NodeTable) {
        guard let factor else {
            caps = Array(repeating: Int.max, count: table.count)
            floors = Array(repeating: 0, count: table.count)
            bounded = false
            return
        }
        bounded = true
        let fair = LoadCap.fairShares(placements: placements, targets: targets, weights: table.weights)
        // Exact products such as 1.03 × 1000 must not be inflated by rounding noise.
        let spare = replicas > 1 ? 1 : 0
        caps = fair.map { min(targets, Int((factor * $0 * (1 - 1e-12)).rounded(.up)) + spare) }
        floors = fair.map { min(targets, Int(($0 * (1 + 1e-12)).rounded(.down))) }
        var missing = placements - caps.reduce(0, +)
        if missing > 0 {
            // Rounding noise only: raise the caps with the largest fractional fair share first.
            let order = fair.indices.sorted { a, b in
                let x = fair[a] - fair[a].rounded(.down)
                let y = fair[b] - fair[b].rounded(.down)
                return x != y ? x > y : a < b
            }
            for id in order where missing > 0 && caps[id] < targets {
                caps[id] += 1
                missing -= 1
            }
        }
        for id in floors.indices where floors[id] > caps[id] {
            floors[id] = caps[id]
        }
    }
}
