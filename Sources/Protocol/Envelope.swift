/// Version of the bus envelope.
public let busProtocolVersion = 1

/// One message on the bus:
/// `{"v":1,"type":"<topic>","from":"<role>","seq":N,"body":{...}}`.
public struct Envelope<Body: Codable & Sendable>: Codable, Sendable {
    public var v: Int
    public var type: String
    public var from: String
    public var seq: UInt64
    public var body: Body

    public init(type: Topic, from: Role, seq: UInt64, body: Body) {
        self.v = busProtocolVersion
        self.type = type.rawValue
        self.from = from.rawValue
        self.seq = seq
        self.body = body
    }
}

/// The routing part of an envelope, decoded without the body so the
/// router can forward the raw line untouched.
public struct EnvelopeHeader: Codable, Sendable, Equatable {
    public var v: Int
    public var type: String
    public var from: String
    public var seq: UInt64

    public init(v: Int, type: String, from: String, seq: UInt64) {
        self.v = v
        self.type = type
        self.from = from
        self.seq = seq
    }
}

/// Errors in bus messages.
public enum EnvelopeError: Error, Equatable, CustomStringConvertible {
    case invalidJSON(String)
    case unsupportedVersion(Int)
    case unknownTopic(String)

    public var description: String {
        switch self {
        case .invalidJSON(let why): "invalid JSON on the bus: \(why)"
        case .unsupportedVersion(let v):
            "unsupported envelope version \(v) (this build speaks \(busProtocolVersion))"
        case .unknownTopic(let t): "unknown topic \"\(t)\""
        }
    }
}
