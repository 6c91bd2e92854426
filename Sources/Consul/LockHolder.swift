import Foundation

/// The value promshard stores in the lock key: who holds it.
public struct LockHolder: Codable, Sendable, Equatable {
    public var instance: String
    public var pid: Int32
    public init(instance: String, pid: Int32) {
        self.instance = instance
        self.pid = pid
    }

    /// JSON bytes for the KV value.
    public var bytes: [UInt8] { (try? [UInt8](JSONEncoder().encode(self))) ?? [] }
}

/// One element of `GET /v1/kv/<key>` (only the fields promshard uses).
public struct KVEntry: Codable, Sendable, Equatable {
    public var Key: String
    /// Base64 of the value, or null.
    public var Value: String?
    public var Session: String?
    public var ModifyIndex: UInt64?

    public init(Key: String, Value: String?, Session: String?, ModifyIndex: UInt64? = nil) {
        self.Key = Key
        self.Value = Value
        self.Session = Session
        self.ModifyIndex = ModifyIndex
    }

    /// The holder decoded from the value, if it is one of promshard's.
    public var holder: LockHolder? {
        guard let Value, let data = Data(base64Encoded: Value) else { return nil }
        return try? JSONDecoder().decode(LockHolder.self, from: data)
    }
}
