import PromshardProtocol

/// The "Push gateways" section of the status page: the router's listen
/// address and mode, and every gateway with its health, as discovery probes
/// them (`push.gateways`). Left out when `push:` is not configured.
public enum StatusPushSection {
    struct Gateway {
        var name: String
        var state: String
        var stateClass: String
        var weight: String
        var error: String?
    }

    struct View {
        var listen: String
        var mode: String
        var healthy: Int
        var total: Int
        var gateways: [Gateway]
        var errors: [String]
    }

    /// Renders the section from the input's push settings and gateways.
    public static let render: StatusSectionRenderer = { input in
        guard let push = input.push else { return nil }
        let gateways = (input.gateways?.gateways ?? []).sorted { $0.name < $1.name }.map { g in
            Gateway(
                name: g.name, state: g.healthy ? "healthy" : "down", stateClass: g.healthy ? "ok" : "bad",
                weight: g.weight == 1 ? "1" : String(g.weight), error: g.lastError)
        }
        let view = View(
            listen: push.listen, mode: push.mode, healthy: gateways.filter { $0.stateClass == "ok" }.count,
            total: gateways.count, gateways: gateways,
            errors: (input.gateways?.errors ?? []).map { "\($0.source): \($0.message)" })
        return StatusPageSection(
            id: "gateways", title: "Push gateways", html: StatusTemplates.render("gateways", view))
    }
}
