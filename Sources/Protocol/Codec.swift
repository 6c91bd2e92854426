import Foundation

/// Encodes and decodes bus messages as JSON lines.
public enum BusCodec {
    /// Encodes an envelope as one line, newline included.
    public static func encode<Body>(_ envelope: Envelope<Body>) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(envelope))
        bytes.append(0x0A)
        return bytes
    }

    /// Decodes only the routing header of a line.
    public static func header(of line: [UInt8]) throws(EnvelopeError) -> EnvelopeHeader {
        let header: EnvelopeHeader
        do {
            header = try JSONDecoder().decode(EnvelopeHeader.self, from: Data(line))
        } catch {
            throw .invalidJSON(describe(error))
        }
        guard header.v == busProtocolVersion else { throw .unsupportedVersion(header.v) }
        guard Topic(rawValue: header.type) != nil else { throw .unknownTopic(header.type) }
        return header
    }

    /// Decodes a whole envelope with a typed body.
    public static func decode<Body>(_ type: Body.Type, from line: [UInt8]) throws(EnvelopeError) -> Envelope<
        Body
    > {
        do {
            return try JSONDecoder().decode(Envelope<Body>.self, from: Data(line))
        } catch {
            throw .invalidJSON(describe(error))
        }
    }

    /// A one-line description of a decoding error, with the coding path.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c):
            return "data corrupted at \(path(c.codingPath)): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, let c):
            return "missing key \(path(c.codingPath + [key]))"
        case DecodingError.typeMismatch(let type, let c):
            return "wrong type at \(path(c.codingPath)): expected \(type)"
        case DecodingError.valueNotFound(let type, let c):
            return "missing value at \(path(c.codingPath)): expected \(type)"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "top level"
            : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
