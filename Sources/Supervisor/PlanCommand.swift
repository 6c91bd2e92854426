import ArgumentParser
import Foundation
import PromshardConfig
import PromshardDiscovery
import PromshardHashing
import PromshardProtocol
import PromshardRuntime

/// `promshard plan`: one discovery round (health probes included) and the
/// assignment it would make, as JSON, without dispatching anything. The
/// assignment starts from the one saved under `state_dir` (what the daemon
/// delivered), as a run would, and per collector shows the movement
/// against it (`+n` / `-n`).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Probe, discover and print the assignment as JSON with the movement against what is delivered now, without dispatching."
    )

    @OptionGroup var configOption: ConfigOption

    @Flag(name: .long, help: "Only per-collector target counts, not the targets.")
    var countsOnly = false

    func run() async throws {
        // Probe results are in the JSON; keep stderr for real errors.
        bootstrapLogging(role: "plan", format: .logfmt, level: .error)
        let config = try configOption.load()
        let (nodes, targets) = await DiscoveryEngine.snapshot(config)
        let (delivered, deliveredError) = AssignmentStore.load(stateDir: config.stateDir)
        let services = AssignmentBuilder.buildAll(
            config: config, nodes: nodes, targets: targets, previous: delivered)
        let plan = Plan(
            delivered: delivered.map {
                "version \($0.version) from \(AssignmentStore.path(stateDir: config.stateDir))"
            }
                ?? deliveredError ?? "none under \(config.stateDir): every target counts as new",
            services: services.map { s in
                let states = nodes.services[s.service] ?? []
                let preview = MovementPreview(
                    current: delivered?.services.first { $0.service == s.service }, next: s)
                let collectorErrors = nodes.errors.filter { $0.service == s.service }
                return Plan.Service(
                    name: s.service, targets: s.targetCount, replicas: s.replicas,
                    collectorsHealthy: states.filter(\.healthy).count, collectorsTotal: states.count,
                    unhealthy: states.filter { !$0.healthy }.map {
                        Plan.Unhealthy(name: $0.name, error: $0.lastError)
                    },
                    collectorErrors: collectorErrors.map { "\($0.source): \($0.message)" },
                    note: [missingNote(states: states, errors: collectorErrors), s.keptPrevious]
                        .compactMap { $0 }.joined(separator: "; "),
                    warnings: s.warnings, moved: preview.moved,
                    movement: preview.changes.map {
                        Plan.Movement(
                            collector: $0.collector, before: $0.before, after: $0.after,
                            change: "+\($0.gained)/-\($0.lost)")
                    },
                    collectors: s.collectors.map {
                        Plan.Collector(
                            name: $0.name, targetCount: $0.targetCount,
                            targets: countsOnly ? nil : $0.groups.flatMap(\.targets).sorted(),
                            groups: countsOnly ? nil : $0.groups)
                    })
            },
            sourceErrors: (nodes.errors + targets.errors).map { "\($0.service): \($0.source): \($0.message)" }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(plan))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Why a service has no collector to assign to, when it has none.
    private func missingNote(states: [CollectorState], errors: [SourceError]) -> String? {
        guard !states.contains(where: \.healthy) else { return nil }
        let reasons =
            errors.map { "\($0.source): \($0.message)" }
            + states.map { "\($0.name): \($0.lastError ?? "unhealthy")" }
        return reasons.isEmpty
            ? "no collector known (no static collector and no Consul instance)"
            : "no healthy collector: " + reasons.joined(separator: "; ")
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
    /// One collector's change against what is delivered: `change` is `+gained/-lost`.
    struct Movement: Encodable {
        var collector: String
        var before: Int
        var after: Int
        var change: String
    }
    struct Service: Encodable {
        var name: String
        var targets: Int
        var replicas: Int
        var collectorsHealthy: Int
        var collectorsTotal: Int
        var unhealthy: [Unhealthy]
        var collectorErrors: [String]
        var note: String
        var warnings: [String]
        var moved: Int
        var movement: [Movement]
        var collectors: [Collector]
        enum CodingKeys: String, CodingKey {
            case name, targets, replicas, unhealthy, note, warnings, moved, movement, collectors
            case collectorsHealthy = "collectors_healthy"
            case collectorsTotal = "collectors_total"
            case collectorErrors = "collector_errors"
        }
    }
    var delivered: String
    var services: [Service]
    var sourceErrors: [String]
    enum CodingKeys: String, CodingKey {
        case delivered, services
        case sourceErrors = "source_errors"
    }
}
