import ArgumentParser
import Foundation
import PromshardBus
import PromshardConfig
import PromshardDiscovery
import PromshardHashingRole
import PromshardProtocol

/// `promshard plan`: one discovery round (health probes included) and the
/// assignment it would make, as JSON, without dispatching anything.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Probe, discover and print the assignment as JSON, without dispatching.")

    @OptionGroup var configOption: ConfigOption

    @Flag(name: .long, help: "Only per-collector target counts, not the targets.")
    var countsOnly = false

    func run() async throws {
        // Probe results are in the JSON; keep stderr for real errors.
        bootstrapLogging(role: "plan", format: .logfmt, level: .error)
        let config = try configOption.load()
        let (nodes, targets) = await DiscoveryEngine.snapshot(config)
        let services = AssignmentBuilder.buildAll(
            config: config, nodes: nodes, targets: targets, previous: nil)
        let plan = Plan(
            services: services.map { s in
                let states = nodes.services[s.service] ?? []
                return Plan.Service(
                    name: s.service, targets: s.targetCount, replicas: s.replicas,
                    collectorsHealthy: states.filter(\.healthy).count, collectorsTotal: states.count,
                    unhealthy: states.filter { !$0.healthy }.map {
                        Plan.Unhealthy(name: $0.name, error: $0.lastError)
                    },
                    note: s.keptPrevious, warnings: s.warnings,
                    collectors: s.collectors.map {
                        Plan.Collector(
                            name: $0.name, targetCount: $0.targetCount,
                            targets: countsOnly ? nil : $0.groups.flatMap(\.targets).sorted(),
                            groups: countsOnly ? nil : $0.groups)
                    })
            },
            sourceErrors: targets.errors.map { "\($0.service): \($0.source): \($0.message)" })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(plan))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// The JSON printed by `promshard plan`.
struct Plan: Encodable {
    struct Unhealthy: Encodable {
        var name: String
        var error: String?
    }
    struct Collector: Encodable {
        var name: String
        var targetCount: Int
        var targets: [String]?
        var groups: [TargetGroup]?
        enum CodingKeys: String, CodingKey {
            case name, targets, groups
            case targetCount = "target_count"
        }
    }
    struct Service: Encodable {
        var name: String
        var targets: Int
        var replicas: Int
        var collectorsHealthy: Int
        var collectorsTotal: Int
        var unhealthy: [Unhealthy]
        var note: String?
        var warnings: [String]
        var collectors: [Collector]
        enum CodingKeys: String, CodingKey {
            case name, targets, replicas, unhealthy, note, warnings, collectors
            case collectorsHealthy = "collectors_healthy"
            case collectorsTotal = "collectors_total"
        }
    }
    var services: [Service]
    var sourceErrors: [String]
    enum CodingKeys: String, CodingKey {
        case services
        case sourceErrors = "source_errors"
    }
}
