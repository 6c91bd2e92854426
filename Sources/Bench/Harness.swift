import PromshardHashingEngine

/// One line of the benchmark: a scheme on one input size.
struct BenchRow {
    var scheme: String
    var targets: Int
    var collectors: Int
    var maxOverAvg: Double
    var stdOverAvg: Double
    var addMoved: Double  // fraction of placements moved on +1 collector
    var addRatio: Double  // moved / ideal
    var removeMoved: Double  // fraction moved on -1 collector
    var removeRatio: Double
    var seconds: Double  // best assignment time
    var peakRSS: Int  // bytes, whole process, while this row ran
}

/// Runs a scheme on `targets × collectors`, then with one collector added and one removed.
enum Harness {
    static func run(
        _ scheme: Scheme, service: String = Fleet.service, targets: [String], collectors: Int, repeats: Int
    ) -> BenchRow {
        PeakRSS.reset()
        let nodes = Fleet.collectors(collectors)
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000_000)
        var base: AssignmentPlan?
        for _ in 0..<max(1, repeats) {
            base = nil
            let start = clock.now
            let plan = scheme.assign(service: service, targets: targets, nodes: nodes)
            best = min(best, clock.now - start)
            base = plan
        }
        let plan = base!
        let loads = plan.loads.map(Double.init)
        let avg = loads.reduce(0, +) / Double(loads.count)
        let variance = loads.reduce(0) { $0 + ($1 - avg) * ($1 - avg) } / Double(loads.count)
        let placements = Double(targets.count * max(plan.replicas, 1))

        // Sticky schemes start from the base plan; the others ignore it.
        let prior = scheme.isSticky ? PriorAssignment(plan: plan, targetIDs: targets) : nil
        let added = scheme.assign(
            service: service, targets: targets, nodes: nodes + [Fleet.collector(collectors)], previous: prior)
        let grow = MovementAccounting.measure(previous: plan, current: added)
        var fewer = nodes
        fewer.remove(at: collectors / 2)
        let removed = scheme.assign(service: service, targets: targets, nodes: fewer, previous: prior)
        let shrink = MovementAccounting.measure(previous: plan, current: removed)

        return BenchRow(
            scheme: scheme.name, targets: targets.count, collectors: collectors,
            maxOverAvg: (loads.max() ?? 0) / avg, stdOverAvg: variance.squareRoot() / avg,
            addMoved: Double(grow.moved) / placements, addRatio: grow.ratioToIdeal,
            removeMoved: Double(shrink.moved) / placements, removeRatio: shrink.ratioToIdeal,
            seconds: Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18,
            peakRSS: PeakRSS.current())
    }
}
