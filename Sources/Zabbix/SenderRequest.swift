import Foundation

/// One value for a trapper item.
public struct SenderItem: Sendable, Equatable, Codable {
    /// The host name as configured in Zabbix (the technical name, not the visible one).
    public var host: String
    public var key: String
    public var value: String
    /// Unix time of the value, seconds and nanoseconds.
    public var clock: Int64
    public var ns: Int64

    public init(host: String, key: String, value: String, clock: Int64, ns: Int64) {
        self.host = host
        self.key = key
        self.value = value
        self.clock = clock
        self.ns = ns
    }
}

/// A `sender data` request:
/// `{"request":"sender data","data":[{"host","key","value","clock","ns"}],"clock","ns"}`. Pure.
public struct SenderRequest: Sendable, Equatable, Codable {
    public var request: String = "sender data"
    public var data: [SenderItem]
    public var clock: Int64
    public var ns: Int64

    public init(data: [SenderItem], clock: Int64, ns: Int64) {
        self.data = data
        self.clock = clock
        self.ns = ns
    }

    /// The JSON data of the packet.
    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? [UInt8](encoder.encode(self))) ?? []
    }

    /// The whole framed packet.
    public func packet() -> [UInt8] { ZabbixPacket.encode(json()) }
}
