import PromshardProtocol

@testable import PromshardDispatch

/// The renderer as it was before it wrote bytes directly: the reference the new one must match
/// byte for byte.
enum ReferenceRenderer {
    static func render(_ groups: [TargetGroup]) -> [UInt8] {
        var merged: [[String: String]: Set<String>] = [:]
        for group in groups where !group.targets.isEmpty {
            merged[group.labels, default: []].formUnion(group.targets)
        }
        let ordered = merged.map { (labels: $0.key, key: canonical($0.key), targets: $0.value.sorted()) }
            .sorted { $0.key < $1.key }
        guard !ordered.isEmpty else { return Array("[]\n".utf8) }
        var out = "[\n"
        for (i, group) in ordered.enumerated() {
            out += "  {\n    \"labels\": {"
            let names = group.labels.keys.sorted()
            if names.isEmpty {
                out += "},\n"
            } else {
                out += "\n"
                for (j, name) in names.enumerated() {
                    out += "      \(quote(name)): \(quote(group.labels[name]!))"
                    out += j == names.count - 1 ? "\n" : ",\n"
                }
                out += "    },\n"
            }
            out += "    \"targets\": [\n"
            for (j, target) in group.targets.enumerated() {
                out += "      \(quote(target))"
                out += j == group.targets.count - 1 ? "\n" : ",\n"
            }
            out += "    ]\n  }"
            out += i == ordered.count - 1 ? "\n" : ",\n"
        }
        out += "]\n"
        return Array(out.utf8)
    }

    static func canonical(_ labels: [String: String]) -> String { Renderer.canonical(labels) }
    static func quote(_ s: String) -> String { Renderer.quote(s) }
}
