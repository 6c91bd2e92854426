import Foundation

/// One element of `GET /v1/kv/<key>`: only the fields promshard uses
/// (`Value`, `Session`); every other field of Consul's answer is ignored.
public struct KVEntry: Codable, Sendable, Equatable {
    /// Base64 of the value; null when the key holds an empty value.
    public var Value: String?
    /// The session holding the key as a lock, if any.
    public var Session: String?

    public init(Value: String?, Session: String? = nil) {
        self.Value = Value
        self.Session = Session
    }

    /// The value's bytes: `[]` for a null (empty) value, nil when `Value`
    /// is not valid base64.
    public var valueBytes: [UInt8]? {
        guard let Value else { return [] }
        return Data(base64Encoded: Value).map { [UInt8]($0) }
    }

    /// Decodes the body of `GET /v1/kv/<key>` (a JSON array of one entry).
    public static func decodeList(_ body: [UInt8]) throws(ServiceEntry.DecodingFailure) -> [KVEntry] {
        do {
            return try JSONDecoder().decode([KVEntry].self, from: Data(body))
        } catch {
            throw ServiceEntry.DecodingFailure(reason: "\(error)")
        }
    }
}
