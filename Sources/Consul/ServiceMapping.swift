import PromshardConfig
import PromshardProtocol

/// Consul service instances → collectors and targets. Pure.
public enum ServiceMapping {
    /// Collectors from the passing instances of a service: address is
    /// `Service.Address` (or `Node.Address`), port `Service.Port`. Sorted by
    /// name, duplicates (same address:port) once. `weight` and `zone` come
    /// from the service meta keys `promshard_weight` and `promshard_zone`.
    public static func collectors(_ entries: [ServiceEntry]) -> [StaticCollector] {
        var seen = Set<String>()
        var out: [StaticCollector] = []
        for e in entries where e.Service.Port > 0 && !e.address.isEmpty {
            let address = urlHost(e.address)
            var c = StaticCollector(address: address, port: e.Service.Port)
            if let w = e.Service.Meta?["promshard_weight"].flatMap(Double.init), w > 0, w.isFinite {
                c.weight = w
            }
            if let z = e.Service.Meta?["promshard_zone"], !z.isEmpty { c.zone = z }
            if seen.insert(c.name).inserted { out.append(c) }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Targets from the passing instances of a service, one group per
    /// instance, labelled like Prometheus's consul_sd: `__meta_consul_service`,
    /// `__meta_consul_node`, `__meta_consul_tags` (`,a,b,`), and
    /// `__meta_consul_service_metadata_<key>` per meta key (invalid label
    /// characters replaced by `_`). With `tag`, only instances carrying it.
    public static func targets(_ entries: [ServiceEntry], tag: String? = nil) -> [TargetGroup] {
        var groups: [TargetGroup] = []
        for e in entries where e.Service.Port > 0 && !e.address.isEmpty {
            let tags = e.Service.Tags ?? []
            if let tag, !tags.contains(tag) { continue }
            var labels: [String: String] = [
                "__meta_consul_service": e.Service.Service,
                "__meta_consul_service_id": e.Service.ID,
                "__meta_consul_node": e.Node.Node,
                "__meta_consul_address": e.Node.Address,
                "__meta_consul_service_address": e.Service.Address,
                "__meta_consul_service_port": String(e.Service.Port),
                "__meta_consul_tags": tags.isEmpty ? "" : "," + tags.joined(separator: ",") + ",",
                "__meta_consul_health": "passing",
            ]
            if let dc = e.Node.Datacenter, !dc.isEmpty { labels["__meta_consul_dc"] = dc }
            for (key, value) in e.Service.Meta ?? [:] {
                labels["__meta_consul_service_metadata_" + sanitize(key)] = value
            }
            groups.append(TargetGroup(targets: ["\(urlHost(e.address)):\(e.Service.Port)"], labels: labels))
        }
        return groups.sorted {
            ($0.targets.first ?? "", $0.labels["__meta_consul_service_id"] ?? "")
                < ($1.targets.first ?? "", $1.labels["__meta_consul_service_id"] ?? "")
        }
    }

    /// A label-name-safe version of a meta key (as Prometheus does).
    static func sanitize(_ key: String) -> String {
        String(
            key.unicodeScalars.map { c -> Character in
                let ok =
                    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
                return ok ? Character(c) : "_"
            })
    }

}
