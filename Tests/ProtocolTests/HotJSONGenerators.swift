import Foundation
import PromshardProtocol

/// A seeded random source, so that a failing fuzz case can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random values of the hot bodies, with strings that exercise escaping and UTF-8.
struct HotJSONGenerator {
    var rng: SeededRandom
    /// Keys (service and label names) only from characters no JSON writer escapes, as real
    /// names are; otherwise anything.
    var plainKeys = false
    static let plainKeyPieces = ["node", "env", "rack", "é", "日本", "a_b", "x-y", " ", ""]

    static let pieces: [String] = [
        "a", "node", "10.0.0.1:9100", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}",
        "é", "e\u{301}", "ß", "日本", "😀", "\u{FFFF}", "\u{10FFFF}", " ", "{", "}", "[", "]", ",", ":",
        "\u{2028}", "",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func bool() -> Bool { Bool.random(using: &rng) }

    mutating func string(maxPieces: Int = 4) -> String {
        (0..<int(0...maxPieces)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
    }

    mutating func key() -> String {
        plainKeys
            ? (0..<int(0...2)).map { _ in Self.plainKeyPieces.randomElement(using: &rng)! }.joined()
            : string(maxPieces: 2)
    }

    mutating func group() -> TargetGroup {
        let targets = (0..<int(0...3)).map { _ in
            bool() ? "10.0.\(int(0...255)).\(int(0...255)):9100" : string()
        }
        var labels: [String: String] = [:]
        for _ in 0..<int(0...3) { labels[key()] = string() }
        return TargetGroup(targets: targets, labels: labels)
    }

    mutating func targets() -> TargetsBody {
        var services: [String: [TargetGroup]] = [:]
        for _ in 0..<int(0...3) { services[key()] = (0..<int(0...4)).map { _ in group() } }
        let errors = (0..<int(0...2)).map { _ in
            SourceError(service: string(), source: string(), message: string())
        }
        return TargetsBody(services: services, errors: errors)
    }

    mutating func assignment() -> AssignmentBody {
        let services = (0..<int(0...3)).map { _ in
            ServiceAssignment(
                service: string(),
                collectors: (0..<int(0...3)).map { _ in
                    CollectorAssignment(
                        name: string(), address: string(), port: int(0...65535),
                        targetCount: int(0...1_000_000),
                        groups: (0..<int(0...3)).map { _ in group() })
                },
                targetCount: int(0...Int(Int32.max)), replicas: int(0...3), moved: int(-5...1000),
                idealMoved: int(0...1000), keptPrevious: bool() ? string() : nil,
                warnings: (0..<int(0...2)).map { _ in string() })
        }
        return AssignmentBody(
            version: UInt64.random(in: 0...UInt64(Int64.max), using: &rng), services: services)
    }

    /// A copy of `bytes` damaged in one random way.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        guard !b.isEmpty else { return [0x7B] }
        let at = int(0...(b.count - 1))
        switch int(0...11) {
        case 0: b.removeSubrange(at...)  // truncation
        case 1: b[at] = UInt8.random(in: 0...255, using: &rng)
        case 2: b.insert(UInt8.random(in: 0...255, using: &rng), at: at)
        case 3: b.remove(at: at)
        case 4: b.insert(contentsOf: [0xFF], at: at)  // invalid UTF-8
        case 5: b.insert(contentsOf: [0xC0, 0x80], at: at)  // overlong
        case 6: b.insert(contentsOf: [0xED, 0xA0, 0x80], at: at)  // encoded surrogate
        case 7: b.insert(contentsOf: Array(" \t\r\n".utf8).shuffled(using: &rng), at: at)
        case 8:
            let numbers = [
                "1.0", "1e2", "-0", "01", "99999999999999999999", "-1", "0.5", "1E+2", "-", "2e-1",
            ]
            b.insert(contentsOf: Array(numbers.randomElement(using: &rng)!.utf8), at: at)
        case 9:
            // an unknown key with a deep value right after an opening brace
            if let brace = b[at...].firstIndex(of: 0x7B) {
                let depth = int(1...700)
                let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                b.insert(contentsOf: Array("\"zz\":\(deep),".utf8), at: brace + 1)
            }
        case 10:
            // a duplicate of the first key of some object
            if let brace = b[at...].firstIndex(of: 0x7B), let colon = b[brace...].firstIndex(of: 0x3A),
                let comma = b[colon...].firstIndex(where: { $0 == 0x2C || $0 == 0x7D })
            {
                let pair = Array(b[(brace + 1)..<comma])
                if b[comma] == 0x2C { b.insert(contentsOf: pair + [0x2C], at: comma + 1) }
            }
        default:
            let escapes = [
                "\\u00e9", "\\ud83d\\ude00", "\\ud83d", "\\udc00", "\\u12", "\\x", "\\/", "\\b\\f",
            ]
            b.insert(contentsOf: Array(escapes.randomElement(using: &rng)!.utf8), at: at)
        }
        return b
    }
}

/// Foundation's answer for a document: the value, or nil where it errors.
func foundation<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
    try? JSONDecoder().decode(T.self, from: Data(bytes))
}

func foundationBytes<T: Encodable>(_ value: T) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return [UInt8](try! encoder.encode(value))
}
