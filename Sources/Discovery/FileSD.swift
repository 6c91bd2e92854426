import Foundation
import PromshardConfig
import PromshardProtocol

/// Parsing of Prometheus file_sd documents (JSON or YAML): a list of
/// `{"targets": [...], "labels": {...}}` groups. Pure.
public enum FileSD {
    /// Why a file_sd document was rejected.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Whether a path is read as YAML (by its extension) rather than JSON.
    public static func isYAML(path: String) -> Bool {
        path.hasSuffix(".yml") || path.hasSuffix(".yaml")
    }

    /// Parses a file_sd document.
    public static func parse(_ bytes: [UInt8], yaml: Bool) throws(ParseError) -> [TargetGroup] {
        let value: JSONValue
        if yaml {
            do {
                guard let node = try YAML.parse(String(decoding: bytes, as: UTF8.self)) else { return [] }
                value = node.toJSONValue()
            } catch {
                throw ParseError(message: "invalid YAML: \(error)")
            }
        } else {
            if let fast = FileSDJSON.groups(bytes) { return fast }
            do {
                value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            } catch {
                throw ParseError(message: "invalid JSON: \(BusCodec.describe(error))")
            }
        }
        return try groups(from: value)
    }

    /// Validates the document shape.
    static func groups(from value: JSONValue) throws(ParseError) -> [TargetGroup] {
        if case .null = value { return [] }
        guard case .array(let items) = value else {
            throw ParseError(message: "expected a list of target groups at the top level")
        }
        var groups: [TargetGroup] = []
        for (i, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw ParseError(message: "[\(i)]: expected a mapping")
            }
            for key in object.keys where key != "targets" && key != "labels" {
                throw ParseError(message: "[\(i)]: unknown key \"\(key)\" (expected targets, labels)")
            }
            guard case .array(let rawTargets)? = object["targets"] else {
                throw ParseError(message: "[\(i)].targets: missing or not a list")
            }
            var targets: [String] = []
            for (j, t) in rawTargets.enumerated() {
                guard case .string(let s) = t, !s.isEmpty else {
                    throw ParseError(message: "[\(i)].targets[\(j)]: expected a non-empty string")
                }
                targets.append(s)
            }
            var labels: [String: String] = [:]
            switch object["labels"] {
            case nil, .null?: break
            case .object(let raw)?:
                for (name, v) in raw {
                    guard isValidLabelName(name) else {
                        throw ParseError(message: "[\(i)].labels: invalid label name \"\(name)\"")
                    }
                    switch v {
                    case .string(let s): labels[name] = s
                    case .number, .bool:
                        throw ParseError(
                            message: "[\(i)].labels.\(name): label values must be strings (quote them)")
                    default: throw ParseError(message: "[\(i)].labels.\(name): expected a string")
                    }
                }
            default: throw ParseError(message: "[\(i)].labels: expected a mapping")
            }
            groups.append(TargetGroup(targets: targets, labels: labels))
        }
        return groups
    }

    /// Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidLabelName(_ name: String) -> Bool { FileSDJSON.isLabelName(name) }
}
