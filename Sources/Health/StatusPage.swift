import PromshardConfig
import PromshardProtocol

/// The status page (`GET /`): server-rendered HTML, readable without
/// JavaScript, built from the same ``StatusDocument`` as `/api/v1/status`.
///
/// The page is a header (health, versions, links) and a list of sections,
/// each rendered by a ``StatusSectionRenderer`` with its own template: a
/// later role adds its section to ``sections`` (as push gateways and jobs did).
public struct StatusPage: Sendable {
    /// Rendered in order; a renderer returning nil leaves its section out.
    public var sections: [StatusSectionRenderer]

    /// The sections every promshard shows.
    public static let standardSections: [StatusSectionRenderer] = [
        StatusServicesSection.render, StatusPushSection.render, StatusJobsSection.render,
        StatusFleetSections.leader,
        StatusFleetSections.children, StatusFleetSections.zabbix,
    ]

    public init(sections: [StatusSectionRenderer] = StatusPage.standardSections) {
        self.sections = sections
    }

    struct View {
        var instance: String?
        var state: String
        var stateClass: String
        var version: String
        var assignment: String
        var delivered: String
        var hasReasons: Bool
        var reasons: [String]
        var sections: [StatusPageSection]
    }

    /// The whole page. Pure.
    public func render(_ input: StatusPageInput) -> String {
        let d = input.document
        let view = View(
            instance: nil, state: d.healthy ? "healthy" : "unhealthy", stateClass: d.healthy ? "ok" : "bad",
            version: d.version, assignment: d.assignmentVersion.map { "v\($0)" } ?? "none",
            delivered: d.deliveredVersion.map { "v\($0)" } ?? "none", hasReasons: !d.reasons.isEmpty,
            reasons: d.reasons, sections: sections.compactMap { $0(input) })
        return StatusTemplates.render("page", view)
    }

    /// "3 s ago", "4 min ago", "2 h ago".
    static func ago(_ ms: Int64, now: Int64) -> String {
        let s = max(0, now - ms) / 1000
        if s < 120 { return "\(s) s ago" }
        if s < 7200 { return "\(s / 60) min ago" }
        return "\(s / 3600) h ago"
    }

    /// A percentage with one decimal, for a CSS width.
    static func percent(_ part: Double, of whole: Double) -> String {
        guard whole > 0, part.isFinite else { return "0" }
        let p = min(100, max(0, part / whole * 100))
        return String(Double(Int(p * 10)) / 10)
    }
}
