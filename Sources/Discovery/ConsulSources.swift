import PromshardConfig
import PromshardConsul
import PromshardProtocol

/// The last known answer of every Consul watch of the discovery child:
/// collectors (`collectors.consul_service`) and targets
/// (`targets.consul_services`) per service. Pure bookkeeping: a failure
/// keeps the last known instances and records the error, so Consul being
/// down never reshuffles targets.
struct ConsulSources: Sendable {
    /// What a watch feeds.
    enum Kind: Sendable, Equatable { case collectors, targets }

    /// One watch: the promshard service it feeds and how.
    struct Watch: Sendable {
        var service: String
        var kind: Kind
        var tag: String?
        var watch: ServiceWatch
        var id: String { "\(service)|\(kind)|\(watch.service)" }
    }

    private struct State: Sendable, Equatable {
        var entries: [ServiceEntry]?
        var error: String?
        var answered = false
    }

    private var states: [String: State] = [:]
    private var tags: [String: String?] = [:]

    /// The watches a service needs.
    static func watches(for service: ServiceConfig, settings: ConsulSettings) -> [Watch] {
        let client = ConsulClient(settings)
        var out: [Watch] = []
        if let name = service.collectors.consulService {
            out.append(
                Watch(
                    service: service.name, kind: .collectors, tag: nil,
                    watch: ServiceWatch(client: client, service: name, wait: settings.wait)))
        }
        for name in service.targets.consulServices {
            out.append(
                Watch(
                    service: service.name, kind: .targets, tag: service.targets.consulTag,
                    watch: ServiceWatch(client: client, service: name, wait: settings.wait)))
        }
        return out
    }

    /// Drops the state of watches a new config no longer has.
    mutating func retain(_ config: PromshardConfig) {
        var keep = Set<String>()
        for s in config.probedServices {
            for w in Self.watches(for: s, settings: config.consul ?? ConsulSettings()) {
                keep.insert(w.id)
                tags[w.id] = w.tag
            }
        }
        states = states.filter { keep.contains($0.key) }
    }

    /// Records an update; returns whether anything changed.
    mutating func record(_ watch: Watch, _ update: ServiceWatch.Update) -> Bool {
        var state = states[watch.id] ?? State()
        switch update {
        case .entries(let entries, _):
            state.entries = entries
            state.error = nil
        case .failed(let error):
            state.error = "\(error)"
        }
        state.answered = true
        tags[watch.id] = watch.tag
        let changed = state != states[watch.id]
        states[watch.id] = state
        return changed
    }

    /// Whether every Consul source of `service` has answered (or failed) once.
    func settled(_ service: ServiceConfig) -> Bool {
        var ids: [String] = []
        if let c = service.collectors.consulService { ids.append("\(service.name)|collectors|\(c)") }
        ids += service.targets.consulServices.map { "\(service.name)|targets|\($0)" }
        return ids.allSatisfy { states[$0]?.answered == true }
    }

    private func states(_ service: String, _ kind: Kind) -> [(String, State)] {
        states.filter { $0.key.hasPrefix("\(service)|\(kind)|") }.sorted { $0.key < $1.key }.map {
            ($0.key, $0.value)
        }
    }

    /// Last known Consul collectors of a service.
    func collectors(_ service: String) -> [StaticCollector] {
        states(service, .collectors).flatMap { ServiceMapping.collectors($0.1.entries ?? []) }
    }

    /// Last known Consul targets of a service.
    func targets(_ service: String) -> [TargetGroup] {
        states(service, .targets).flatMap { id, state in
            ServiceMapping.targets(state.entries ?? [], tag: tags[id] ?? nil)
        }
    }

    func collectorErrors(_ service: String) -> [SourceError] { errors(service, .collectors) }
    func targetErrors(_ service: String) -> [SourceError] { errors(service, .targets) }

    private func errors(_ service: String, _ kind: Kind) -> [SourceError] {
        states(service, kind).compactMap { id, state in
            guard let error = state.error else { return nil }
            let name = id.split(separator: "|").last.map(String.init) ?? id
            let kept = state.entries == nil ? "nothing known yet" : "keeping the last known instances"
            return SourceError(service: service, source: "consul:\(name)", message: "\(error); \(kept)")
        }
    }
}
