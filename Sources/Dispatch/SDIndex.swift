import PromshardConfig
import PromshardProtocol

/// Which http_sd document every collector of every service is served. Pure.
///
/// Built for every configured service, whatever its executor and whether
/// this instance leads: every instance computes the same assignment, so
/// every instance can answer http_sd.
///
/// - A collector of the assignment gets its share.
/// - A collector that `nodes` names (configured or discovered, healthy or
///   not) without a share gets `[]`: its targets went to the others.
/// - A service whose assignment kept the previous one (nothing healthy,
///   ``ServiceAssignment/keptPrevious``) keeps its previous documents, and has
///   none when there were none: it is left out, and its endpoints answer 503,
///   which makes Prometheus keep the targets it has.
/// - A configured service without an assignment yet keeps what it had, and is
///   otherwise left out (503) too: promshard never empties a collector because
///   it has not computed anything yet.
public enum SDIndex {
    /// Per service, per collector name.
    public typealias Documents = [String: [String: RenderedShares.Document]]

    public static func documents(
        config: PromshardConfig, assignment: AssignmentBody?, rendered: RenderedShares?, nodes: NodesBody?,
        previous: Documents
    ) -> Documents {
        var out: Documents = [:]
        for service in config.services {
            let name = service.name
            guard let assigned = assignment?.services.first(where: { $0.service == name }),
                !(assigned.collectors.isEmpty && assigned.keptPrevious != nil)
            else {
                if let kept = previous[name] { out[name] = kept }
                continue
            }
            var documents: [String: RenderedShares.Document] = [:]
            for c in assigned.collectors {
                documents[c.name] =
                    rendered?.services[name]?[c.name]
                    ?? RenderedShares.Document(content: Renderer.render(c.groups), targetCount: c.targetCount)
            }
            for c in nodes?.services[name] ?? [] where documents[c.name] == nil {
                documents[c.name] = .empty
            }
            out[name] = documents
        }
        return out
    }
}
