import PromshardHashingEngine
import Testing

/// Random sequences of leaves, joins, weight changes and target churn; the rules of the sticky
/// engine (`StickyRules`) are checked after every step.
@Suite struct StickyPropertyTests {
    enum Change: CaseIterable { case leave, join, weight, churn }

    /// Runs `steps` random changes from `targets × nodes` and checks every rule at every step.
    func sequence(
        seed: UInt64, targets count: Int, nodes start: Int, replicas: Int, steps: Int, weighted: Bool
    ) {
        var rng = SplitMix64(seed: seed)
        var nextTarget = count
        var nextNode = start
        var targets = Sample.targets(count)
        var nodes = (0..<start).map { HashNode(name: "c\($0):9090", weight: 1) }
        var step = StickyStep(targets: targets, nodes: nodes, replicas: replicas, after: nil)
        StickyRules.complete(step, "seed \(seed) start")
        StickyRules.capped(step, "seed \(seed) start")
        for k in 0..<steps {
            let change = Change.allCases.randomElement(using: &rng)!
            let context = "seed \(seed) step \(k) \(change)"
            switch change {
            case .leave where nodes.count > max(2, replicas + 1):
                let gone = nodes.remove(at: Int.random(in: 0..<nodes.count, using: &rng)).name
                let next = StickyStep(targets: targets, nodes: nodes, replicas: replicas, after: step)
                StickyRules.leave(step, next, gone: gone, context)
                step = next
            case .leave, .join:
                let weight = weighted ? [1, 2, 0.5].randomElement(using: &rng)! : 1
                let newcomer = HashNode(name: "c\(nextNode):9090", weight: weight)
                nextNode += 1
                nodes.insert(newcomer, at: Int.random(in: 0...nodes.count, using: &rng))
                let next = StickyStep(targets: targets, nodes: nodes, replicas: replicas, after: step)
                StickyRules.join(step, next, newcomer: newcomer.name, context)
                step = next
            case .weight:
                let n = Int.random(in: 0..<nodes.count, using: &rng)
                nodes[n].weight = weighted ? [1, 2, 0.5, 3].randomElement(using: &rng)! : 1
                step = StickyStep(targets: targets, nodes: nodes, replicas: replicas, after: step)
            case .churn:
                let removed = Int.random(in: 0...(targets.count / 20), using: &rng)
                for _ in 0..<removed {
                    targets.remove(at: Int.random(in: 0..<targets.count, using: &rng))
                }
                let added = Int.random(in: 0...(count / 20), using: &rng)
                for _ in 0..<added {
                    targets.insert(
                        "10.9.\(nextTarget / 250).\(nextTarget % 250):9100",
                        at: Int.random(in: 0...targets.count, using: &rng))
                    nextTarget += 1
                }
                let next = StickyStep(targets: targets, nodes: nodes, replicas: replicas, after: step)
                // Survivors stay, apart from the few placements that rebalance the caps.
                var moved = 0
                for id in next.targets {
                    guard let old = step.owners[id] else { continue }
                    moved += next.owners[id]!.subtracting(old).count
                }
                #expect(moved <= removed * replicas + nodes.count, "\(context): \(moved) moved")
                step = next
            }
            StickyRules.complete(step, context)
            if replicas == 1 || !step.plan.warnings.contains(where: { $0.contains("load cap exceeded") }) {
                StickyRules.capped(step, context)
                StickyRules.settled(step, context)
            }
        }
    }

    @Test(arguments: 0..<12)
    func randomSequencesKeepEveryRule(seed: Int) {
        sequence(
            seed: UInt64(seed), targets: [60, 300, 3_000][seed % 3], nodes: [3, 5, 10][seed % 3],
            replicas: 1, steps: 40, weighted: seed % 2 == 1)
    }

    @Test(arguments: 0..<6)
    func randomSequencesWithReplicas(seed: Int) {
        sequence(
            seed: 100 + UInt64(seed), targets: [200, 2_000][seed % 2], nodes: [5, 8][seed % 2],
            replicas: 2, steps: 30, weighted: seed % 3 == 0)
    }

    /// The measurement: remove a random collector, count targets that moved between two
    /// collectors that both survived. Zero in every trial, at every size.
    @Test(arguments: [(60, 3, 40), (300, 5, 30), (3_000, 10, 20)])
    func aLeaveMovesNoTargetBetweenSurvivors(targets count: Int, collectors: Int, trials: Int) {
        var rng = SplitMix64(seed: 7)
        let targets = Sample.targets(count)
        for trial in 0..<trials {
            // Random ports, as the end-to-end test draws them.
            let nodes = (0..<collectors).map { _ in
                HashNode(name: "127.0.0.1:\(Int.random(in: 20_000..<60_000, using: &rng))")
            }
            let before = StickyStep(targets: targets, nodes: nodes, replicas: 1, after: nil)
            var fewer = nodes
            let gone = fewer.remove(at: Int.random(in: 0..<collectors, using: &rng)).name
            let after = StickyStep(targets: targets, nodes: fewer, replicas: 1, after: before)
            StickyRules.leave(before, after, gone: gone, "trial \(trial)")
            StickyRules.capped(after, "trial \(trial)")
            // And back: the returning collector gets its fair share, and only it gains.
            let back = StickyStep(targets: targets, nodes: nodes, replicas: 1, after: after)
            StickyRules.join(after, back, newcomer: gone, "trial \(trial) return")
            StickyRules.capped(back, "trial \(trial) return")
        }
    }

    /// With replicas, a leave moves only the placements that were on the dead collector.
    @Test func aLeaveWithReplicasMovesOnlyTheDeadPlacements() {
        let targets = Sample.targets(4_000)
        let nodes = (0..<9).map { Sample.collector($0, weight: $0 % 3 == 0 ? 2 : 1) }
        let before = StickyStep(targets: targets, nodes: nodes, replicas: 3, after: nil)
        for removed in [0, 4, 8] {
            var fewer = nodes
            let gone = fewer.remove(at: removed).name
            let after = StickyStep(targets: targets, nodes: fewer, replicas: 3, after: before)
            StickyRules.leave(before, after, gone: gone, "removed \(gone)")
            StickyRules.complete(after, "removed \(gone)")
        }
    }

    /// Weights keep their meaning: loads follow the weights within one target.
    @Test func loadsFollowTheWeights() {
        let targets = Sample.targets(9_000)
        let nodes = [1.0, 2, 3, 1, 2].enumerated().map { Sample.collector($0.offset, weight: $0.element) }
        let step = StickyStep(targets: targets, nodes: nodes, replicas: 1, after: nil)
        for (name, load) in step.loads {
            #expect(abs(Double(load) - step.fair(name)) < 1, "\(name): \(load) vs fair \(step.fair(name))")
        }
        // Doubling one weight moves targets to it only from the others, and balances again.
        var heavier = nodes
        heavier[0].weight = 2
        let next = StickyStep(targets: targets, nodes: heavier, replicas: 1, after: step)
        for id in targets where next.owners[id] != step.owners[id] {
            #expect(next.owners[id] == [heavier[0].name], "\(id) moved to \(next.owners[id]!)")
        }
        StickyRules.capped(next, "heavier")
    }

    /// Independent of input order, prior order included; deterministic.
    @Test func orderOfInputsDoesNotMatter() {
        var rng = SplitMix64(seed: 3)
        let targets = Sample.targets(2_000)
        let nodes = Sample.collectors(7)
        let first = StickyStep(targets: targets, nodes: nodes, replicas: 2, after: nil)
        let fewer = Array(nodes.dropLast())
        let a = StickyStep(targets: targets, nodes: fewer, replicas: 2, after: first)
        var shuffled = first
        shuffled.targets.shuffle(using: &rng)
        shuffled.plan = StickyAssigner.assign(
            service: "svc", targetIDs: shuffled.targets, nodes: nodes.shuffled(using: &rng), replicas: 2,
            previous: nil)
        let b = StickyStep(
            targets: targets.shuffled(using: &rng), nodes: fewer.shuffled(using: &rng), replicas: 2,
            after: shuffled)
        #expect(a.owners == b.owners)
    }

    /// The balance goals: max/avg ≤ 1.03 at 100k × 10 and ≤ 1.05 at 100k × 100, after leaves and
    /// joins, every settled state.
    @Test(arguments: [(10, 1.03), (100, 1.05)])
    func balanceAtScale(collectors: Int, limit: Double) {
        let targets = Sample.targets(100_000)
        var nodes = Sample.collectors(collectors)
        var step = StickyStep(targets: targets, nodes: nodes, replicas: 1, after: nil)
        var next = collectors
        for k in 0..<4 {
            if k % 2 == 0 {
                nodes.remove(at: (k * 7) % nodes.count)
            } else {
                nodes.append(Sample.collector(next))
                next += 1
            }
            step = StickyStep(targets: targets, nodes: nodes, replicas: 1, after: step)
            let loads = step.plan.loads.map(Double.init)
            let ratio = loads.max()! / (loads.reduce(0, +) / Double(loads.count))
            #expect(ratio <= limit, "step \(k): max/avg \(ratio)")
        }
    }
}
