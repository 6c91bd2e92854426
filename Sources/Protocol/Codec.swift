import Foundation

/// Encodes and decodes bus messages as JSON lines.
///
/// Lines are written header first (`{"v":1,"type":...,"from":...,"seq":N,"body":...}`). The big
/// bodies (``HotJSON``: `targets`, `assignment`) go through the hand-written reader and writer;
/// whatever that reader does not take (it reads only plain, well-formed JSON) is decoded by
/// Foundation, so results and errors are Foundation's.
public enum BusCodec {
    /// Encodes an envelope as one line, newline included.
    public static func encode<Body>(_ envelope: Envelope<Body>) throws -> [UInt8] {
        if let hot = envelope.body as? any HotJSON {
            var w = EnvelopeJSON.prefix(
                type: envelope.type, from: envelope.from, seq: envelope.seq, capacity: 1 << 16)
            hot.write(&w)
            w.raw("}\n")
            return w.bytes
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(envelope.body)
        var w = EnvelopeJSON.prefix(
            type: envelope.type, from: envelope.from, seq: envelope.seq, capacity: body.count)
        w.json([UInt8](body))
        w.raw("}\n")
        return w.bytes
    }

    /// Decodes only the routing header of a line (the body is not read when the header
    /// comes first, as ``encode(_:)`` writes it).
    public static func header(of line: [UInt8]) throws(EnvelopeError) -> EnvelopeHeader {
        let fast = line.withUnsafeBufferPointer { buffer -> EnvelopeHeader? in
            var r = JSONReader(buffer)
            return try? EnvelopeJSON.header(&r)
        }
        let header: EnvelopeHeader
        if let fast {
            header = fast
        } else {
            do {
                header = try JSONDecoder().decode(EnvelopeHeader.self, from: Data(line))
            } catch {
                throw .invalidJSON(describe(error))
            }
        }
        guard header.v == busProtocolVersion else { throw .unsupportedVersion(header.v) }
        guard Topic(rawValue: header.type) != nil else { throw .unknownTopic(header.type) }
        return header
    }

    /// Decodes a whole envelope with a typed body.
    public static func decode<Body>(_ type: Body.Type, from line: [UInt8]) throws(EnvelopeError) -> Envelope<
        Body
    > {
        if let hot = Body.self as? any HotJSON.Type, let envelope = fastEnvelope(hot, line) {
            return envelope as! Envelope<Body>
        }
        do {
            return try JSONDecoder().decode(Envelope<Body>.self, from: Data(line))
        } catch {
            throw .invalidJSON(describe(error))
        }
    }

    private static func fastEnvelope<Body: HotJSON>(_: Body.Type, _ line: [UInt8]) -> Any? {
        line.withUnsafeBufferPointer { buffer -> Any? in
            var r = JSONReader(buffer)
            return try? EnvelopeJSON.envelope(&r) as Envelope<Body>
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
