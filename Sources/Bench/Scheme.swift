import PromshardHashing

/// An assignment scheme compared by the benchmark: same inputs, same harness, same metrics.
///
/// Names: `hashmod` (Prometheus: md5(address), last 8 bytes big-endian, mod N), `ring512` (Karger
/// ring, 512 virtual nodes per collector), `rendezvous` (weighted rendezvous, no cap),
/// `promshard` (the default: `LoadCapPolicy.standard`), and for exploring `cap:F` (fixed
/// `max_load_factor` F) and `adaptive:F:B` (`LoadCapPolicy.adaptive(factor: F, movementBudget: B)`).
struct Scheme {
    enum Kind {
        case hashmod
        case ring(virtualNodes: Int)
        case rendezvous(LoadCapPolicy)
    }

    var name: String
    var kind: Kind

    static let standard: [Scheme] = ["hashmod", "ring512", "rendezvous", "promshard", "cap:1.05"].map {
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
        case "cap" where parts.count == 2:
            guard let f = Double(parts[1]) else { return nil }
            kind = .rendezvous(.factor(f))
        case "adaptive" where parts.count == 3:
            guard let f = Double(parts[1]), let z = Double(parts[2]) else { return nil }
            kind = .rendezvous(.adaptive(factor: f, movementBudget: z))
        default: return nil
        }
    }

    func assign(service: String, targets: [String], nodes: [HashNode], replicas: Int = 1) -> AssignmentPlan {
        switch kind {
        case .hashmod:
            HashmodScheme.assign(targetIDs: targets, nodes: nodes)
        case .ring(let virtualNodes):
            KargerRing(nodes: nodes, virtualNodes: virtualNodes).assign(
                service: service, targetIDs: targets, replicas: replicas)
        case .rendezvous(let policy):
            RendezvousAssigner.assign(
                service: service, targetIDs: targets, nodes: nodes, replicas: replicas, loadCap: policy)
        }
    }
}
