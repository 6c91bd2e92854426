import PromshardHashingEngine

/// An assignment scheme compared by the benchmark: same inputs, same harness, same metrics.
///
/// Names: `hashmod` (Prometheus: md5(address), last 8 bytes big-endian, mod N), `ring512` (Karger
/// ring, 512 virtual nodes per collector), `rendezvous` (weighted rendezvous, no cap),
/// `promshard` (the default: `LoadCapPolicy.standard`), and for exploring `cap:F` (fixed
/// `max_load_factor` F) and `adaptive:F:B` (`LoadCapPolicy.adaptive(factor: F, movementBudget: B)`).
/// `sticky` is the engine promshard runs (`StickyAssigner`, default factor), `sticky:F` the same with
/// `max_load_factor` F: it starts from the previous assignment of a sequence; alone (the table
/// mode) it computes afresh.
struct Scheme {
    enum Kind {
        case hashmod
        case ring(virtualNodes: Int)
        case rendezvous(LoadCapPolicy)
        case sticky(maxLoadFactor: Double?)
    }

    var name: String
    var kind: Kind

    static let standard: [Scheme] = [
        "hashmod", "ring512", "rendezvous", "promshard", "cap:1.05", "sticky",
    ].map {
        Scheme($0)!
    }

    init?(_ name: String) {
        self.name = name
        let parts = name.split(separator: ":").map(String.init)
        switch parts[0] {
        case "hashmod" where parts.count == 1: kind = .hashmod
        case "ring512" where parts.count == 1: kind = .ring(virtualNodes: 512)
        case "rendezvous" where parts.count == 1: kind = .rendezvous(.unbounded)
        case "promshard" where parts.count == 1: kind = .rendezvous(.standard)
        case "sticky" where parts.count == 1: kind = .sticky(maxLoadFactor: nil)
        case "sticky" where parts.count == 2:
            guard let f = parts[1] == "inf" ? .infinity : Double(parts[1]) else { return nil }
            kind = .sticky(maxLoadFactor: f)
        case "cap" where parts.count == 2:
            guard let f = Double(parts[1]) else { return nil }
            kind = .rendezvous(.factor(f))
        case "adaptive" where parts.count == 3:
            guard let f = Double(parts[1]), let z = Double(parts[2]) else { return nil }
            kind = .rendezvous(.adaptive(factor: f, movementBudget: z))
        default: return nil
        }
    }

    /// Whether the scheme starts from the previous assignment.
    var isSticky: Bool {
        if case .sticky = kind { return true }
        return false
    }

    func assign(
        service: String, targets: [String], nodes: [HashNode], replicas: Int = 1,
        previous: PriorAssignment? = nil
    ) -> AssignmentPlan {
        switch kind {
        case .hashmod:
            HashmodScheme.assign(targetIDs: targets, nodes: nodes)
        case .ring(let virtualNodes):
            KargerRing(nodes: nodes, virtualNodes: virtualNodes).assign(
                service: service, targetIDs: targets, replicas: replicas)
        case .rendezvous(let policy):
            RendezvousAssigner.assign(
                service: service, targetIDs: targets, nodes: nodes, replicas: replicas, loadCap: policy)
        case .sticky(let factor):
            StickyAssigner.assign(
                service: service, targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: factor,
                previous: previous)
        }
    }
}
