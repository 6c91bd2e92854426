import Foundation
import PromshardProtocol

/// JSON of the columns that hold structured values (task, task counts).
enum JobCodec {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeTask(_ text: String) throws -> JobTask {
        try JSONDecoder().decode(JobTask.self, from: Data(text.utf8))
    }

    static func decodeCounts(_ text: String) throws -> JobTaskCounts {
        try JSONDecoder().decode(JobTaskCounts.self, from: Data(text.utf8))
    }
}
