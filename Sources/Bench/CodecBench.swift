import Foundation
import PromshardProtocol

/// `promshard-bench codec`: the hand-written JSON reader and writer (`HotJSON`) against
/// Foundation's `JSONDecoder`/`JSONEncoder` on the same `targets` and `assignment` bodies
/// (one target per group, two labels, as in the daemon benchmark). Best of three each.
enum CodecBench {
    static let header =
        "| body | groups | bytes | Foundation decode | fast decode | ratio | Foundation encode | fast encode | ratio |"
    static let rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"

    static func run(groups n: Int) -> [String] {
        let groups = Fleet.targets(n).enumerated().map { i, t in
            TargetGroup(targets: [t], labels: ["env": "bench", "rack": "r\((i >> 8) & 255)"])
        }
        let targets = TargetsBody(services: ["node": groups])
        let per = max(1, n / 100)
        let collectors = (0..<100).map { c in
            CollectorAssignment(
                name: "127.0.0.1:\(9000 + c)", address: "127.0.0.1", port: 9000 + c, targetCount: per,
                groups: Array(groups[min(n, c * per)..<min(n, (c + 1) * per)]))
        }
        let assignment = AssignmentBody(
            version: 7,
            services: [
                ServiceAssignment(
                    service: "node", collectors: collectors, targetCount: n, replicas: 1, moved: 0,
                    idealMoved: 0)
            ])
        return [line("targets", targets, groups: n), line("assignment", assignment, groups: n)]
    }

    static func line<T: HotJSON & Equatable>(_ name: String, _ value: T, groups: Int) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let slowBytes = try! encoder.encode(value)
        let fastBytes = value.fastEncode()
        let slowEncode = best { _ = try! encoder.encode(value) }
        let fastEncode = best { _ = value.fastEncode() }
        let slowDecode = best { _ = try! JSONDecoder().decode(T.self, from: slowBytes) }
        let fastDecode = best { precondition(T.fastDecode(fastBytes) == value) }
        func ms(_ s: Double) -> String { String(format: "%.0f ms", s * 1000) }
        func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.0f×", a / b) }
        return
            "| \(name) | \(groups) | \(fastBytes.count >> 20) MB | \(ms(slowDecode)) | \(ms(fastDecode)) | \(ratio(slowDecode, fastDecode)) | \(ms(slowEncode)) | \(ms(fastEncode)) | \(ratio(slowEncode, fastEncode)) |"
    }

    static func best(_ body: () -> Void) -> Double {
        (0..<3).map { _ in
            let t = Date()
            body()
            return Date().timeIntervalSince(t)
        }.min()!
    }
}
