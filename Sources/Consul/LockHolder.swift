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

extension KVEntry {
    /// The holder decoded from the value, if it is one of promshard's.
    public var holder: LockHolder? {
        guard let bytes = valueBytes else { return nil }
        return try? JSONDecoder().decode(LockHolder.self, from: Data(bytes))
    }
}
