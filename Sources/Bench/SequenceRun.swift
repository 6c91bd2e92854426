import Foundation
import PromshardHashingEngine

/// The sequence mode: the same random leaves and joins, step after step, for every scheme.
///
/// Collectors start at `collectors` and stay between half and one and a half times that. Each
/// step removes a random collector or adds a new one (50/50 within those bounds). Sticky schemes
/// start each step from the previous step's plan; the others recompute from scratch. Per step:
/// stray moves (targets that moved between two collectors present before and after, other than
/// to a newcomer), moved / ideal (`MovementAccounting`) and max/avg.
struct SequenceRun {
    struct Step {
        var stray: Int
        var moved: Int
        var ideal: Int
        var maxOverAvg: Double
        var seconds: Double
    }

    var scheme: String
    var steps: [Step] = []

    /// The change of step `k` of the shared random sequence: a leave of the collector at index, or
    /// a join (index nil).
    static func changes(count: Int, collectors: Int, seed: UInt64) -> [Int?] {
        var state = seed
        func next() -> UInt64 {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            return Mixer.fmix64(state)
        }
        var live = collectors
        var result: [Int?] = []
        for _ in 0..<count {
            let leave: Bool
            if live <= max(2, collectors / 2) {
                leave = false
            } else if live >= collectors + collectors / 2 {
                leave = true
            } else {
                leave = next() & 1 == 0
            }
            if leave {
                result.append(Int(next() % UInt64(live)))
                live -= 1
            } else {
                result.append(nil)
                live += 1
            }
        }
        return result
    }

    init(_ scheme: Scheme, targets: [String], collectors: Int, changes: [Int?]) {
        self.scheme = scheme.name
        var nodes = Fleet.collectors(collectors)
        var nextName = collectors
        var plan = scheme.assign(service: Fleet.service, targets: targets, nodes: nodes)
        let clock = ContinuousClock()
        for change in changes {
            var gone: String?
            var newcomer: String?
            if let index = change {
                gone = nodes.remove(at: index).name
            } else {
                let node = Fleet.collector(nextName)
                nextName += 1
                newcomer = node.name
                nodes.append(node)
            }
            let prior = scheme.isSticky ? PriorAssignment(plan: plan, targetIDs: targets) : nil
            let start = clock.now
            let next = scheme.assign(service: Fleet.service, targets: targets, nodes: nodes, previous: prior)
            let took = clock.now - start
            let movement = MovementAccounting.measure(previous: plan, current: next)
            let loads = next.loads.map(Double.init)
            steps.append(
                Step(
                    stray: Self.stray(
                        before: plan, after: next, targets: targets.count, gone: gone, newcomer: newcomer),
                    moved: movement.moved, ideal: movement.ideal,
                    maxOverAvg: loads.max()! / (loads.reduce(0, +) / Double(loads.count)),
                    seconds: Double(took.components.seconds) + Double(took.components.attoseconds) * 1e-18))
            plan = next
        }
    }

    /// Targets (one owner each) that moved between two collectors that are there before and
    /// after, other than to the newcomer.
    static func stray(
        before: AssignmentPlan, after: AssignmentPlan, targets: Int, gone: String?, newcomer: String?
    )
        -> Int
    {
        func owner(_ plan: AssignmentPlan) -> [String] {
            var result = [String](repeating: "", count: targets)
            for (n, list) in plan.targetsByNode.enumerated() {
                for t in list { result[t] = plan.nodes[n].name }
            }
            return result
        }
        let old = owner(before)
        let new = owner(after)
        var count = 0
        for t in 0..<targets where old[t] != new[t] && old[t] != gone && new[t] != newcomer {
            count += 1
        }
        return count
    }

    static let header =
        "| scheme | steps | steps with stray moves | stray moves | moved / ideal mean | moved / ideal worst | max/avg mean | max/avg worst | time / step |"
    static let rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"

    var line: String {
        let ratios = steps.map { $0.ideal > 0 ? Double($0.moved) / Double($0.ideal) : 1 }
        let balance = steps.map(\.maxOverAvg)
        let cells = [
            scheme, "\(steps.count)", "\(steps.filter { $0.stray > 0 }.count)",
            "\(steps.reduce(0) { $0 + $1.stray })",
            Self.fixed(ratios.reduce(0, +) / Double(ratios.count), 3), Self.fixed(ratios.max() ?? 0, 3),
            Self.fixed(balance.reduce(0, +) / Double(balance.count), 4), Self.fixed(balance.max() ?? 0, 4),
            Self.fixed(steps.reduce(0) { $0 + $1.seconds } / Double(steps.count) * 1000, 1) + " ms",
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    /// max/avg after every `every`-th step, for the "balance over time" table.
    func balanceSeries(every: Int) -> [Double] {
        stride(from: every - 1, to: steps.count, by: every).map { steps[$0].maxOverAvg }
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "∞"
    }
}
