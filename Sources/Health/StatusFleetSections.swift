import PromshardProtocol

/// The sections about this instance: the leader lock, the children of the
/// supervisor and the Zabbix heartbeat.
public enum StatusFleetSections {
    struct Leader {
        var state: String
        var stateClass: String
        var holder: String?
        var key: String?
        var error: String?
    }

    struct Child {
        var role: String
        var state: String
        var stateClass: String
        var pid: String
        var restarts: Int
        var uptime: String
    }

    struct Children { var children: [Child] }

    struct Zabbix {
        var result: String
        var resultClass: String
        var ago: String
        var server: String?
        var value: String
        var message: String?
    }

    /// "Leader": who holds the Consul lock. http_sd is served either way.
    public static let leader: StatusSectionRenderer = { input in
        let l = input.document.leader
        let view: Leader
        switch (l?.enabled, l?.isLeader) {
        case (true, true):
            view = Leader(
                state: "this instance is the leader", stateClass: "ok", holder: l?.holder, key: l?.key,
                error: l?.error)
        case (true, _):
            view = Leader(
                state: "follower: the leader delivers; this instance serves http_sd too", stateClass: "muted",
                holder: l?.holder, key: l?.key, error: l?.error)
        default:
            view = Leader(state: "leader election off: this instance delivers", stateClass: "muted")
        }
        return StatusPageSection(id: "leader", title: "Leader", html: StatusTemplates.render("leader", view))
    }

    /// "Children": every child process with its restarts.
    public static let children: StatusSectionRenderer = { input in
        let rows = input.document.children.map { c in
            Child(
                role: c.role, state: c.running ? "running" : "stopped", stateClass: c.running ? "ok" : "bad",
                pid: c.pid.map(String.init) ?? "–", restarts: c.restarts,
                uptime: c.uptimeSeconds.map { uptime(Int($0)) } ?? "–")
        }
        return StatusPageSection(
            id: "children", title: "Children",
            html: StatusTemplates.render("children", Children(children: rows)))
    }

    /// "Zabbix heartbeat", when one was sent.
    public static let zabbix: StatusSectionRenderer = { input in
        guard let z = input.document.zabbix else { return nil }
        let view = Zabbix(
            result: z.result, resultClass: z.result == "ok" ? "ok" : "bad",
            ago: StatusPage.ago(z.atMs, now: input.nowMs),
            server: z.server, value: z.value, message: z.message.isEmpty ? nil : z.message)
        return StatusPageSection(
            id: "zabbix", title: "Zabbix heartbeat", html: StatusTemplates.render("zabbix", view))
    }

    static func uptime(_ s: Int) -> String {
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}
