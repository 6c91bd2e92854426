import PromshardConfig
import PromshardProtocol

/// The "Services" section: every service with its collectors, their health,
/// last probe error, share against the fair share, last delivery and
/// http_sd link.
public enum StatusServicesSection {
    struct Service {
        var name: String
        var collectorsHealthy: Int
        var collectorsTotal: Int
        var targets: Int
        var fairShare: String
        var mode: String
        var sourceErrors: [String]
        var notServing: Bool
        var collectors: [Collector]
    }

    struct Collector {
        var name: String
        var health: String
        var healthClass: String
        var lastError: String
        var targets: Int
        var fairShare: String
        var barPercent: String
        var fairPercent: String
        var delivery: Delivery?
        var noDelivery: String
        var sdLink: String
    }

    struct Delivery {
        var result: String
        var resultClass: String
        var ago: String
        var version: UInt64
        var message: String?
    }

    struct View { var services: [Service] }

    /// The fair share of one collector: targets × replicas over the healthy collectors.
    public static func fairShare(targets: Int, replicas: Int, healthy: Int) -> Double {
        healthy > 0 ? Double(targets * max(1, replicas)) / Double(healthy) : 0
    }

    public static let render: StatusSectionRenderer = { input in
        let services = input.document.services.map { s -> Service in
            let fair = fairShare(
                targets: s.targets, replicas: input.replicas[s.name] ?? 1, healthy: s.collectorsHealthy)
            // The bar's scale: twice the fair share, or more when a collector has more.
            let scale = max(2 * fair, Double(s.collectors.map(\.targets).max() ?? 0), 1)
            let executor = input.executors[s.name] ?? "file"
            let pull = executor == DispatchSettings.none
            let fairText = fair == fair.rounded() ? String(Int(fair)) : String(Double(Int(fair * 10)) / 10)
            let collectors = s.collectors.map { c in
                Collector(
                    name: c.name, health: c.healthy ? "up" : "down", healthClass: c.healthy ? "ok" : "bad",
                    lastError: c.lastError ?? "", targets: c.targets, fairShare: fairText,
                    barPercent: StatusPage.percent(Double(c.targets), of: scale),
                    fairPercent: StatusPage.percent(fair, of: scale),
                    delivery: c.lastDelivery.map { d in
                        Delivery(
                            result: d.status.rawValue, resultClass: d.status == .ok ? "ok" : "bad",
                            ago: StatusPage.ago(d.startedMs + d.durationMs, now: input.nowMs),
                            version: d.assignmentVersion,
                            message: d.status == .ok || d.message.isEmpty ? nil : d.message)
                    },
                    noDelivery: pull ? "pull (http_sd)" : "none yet",
                    sdLink: "/api/v1/sd/\(SDRoute.encode(s.name))/\(SDRoute.encode(c.name))")
            }
            return Service(
                name: s.name, collectorsHealthy: s.collectorsHealthy, collectorsTotal: s.collectorsTotal,
                targets: s.targets, fairShare: fairText,
                mode: pull ? "pull: http_sd" : "push: \(executor) + http_sd",
                sourceErrors: s.sourceErrors, notServing: !(input.serving[s.name] ?? false),
                collectors: collectors)
        }
        return StatusPageSection(
            id: "services", title: "Services",
            html: StatusTemplates.render("services", View(services: services)))
    }
}
