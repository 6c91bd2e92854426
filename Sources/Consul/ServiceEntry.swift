import Foundation

/// One element of `GET /v1/health/service/<name>`: a service instance with
/// its node. Only the fields promshard uses are decoded; the rest of
/// Consul's answer (`Checks`, `Weights`, `Proxy`, indexes, ...) is ignored,
/// so a change there can never fail the whole answer.
public struct ServiceEntry: Codable, Sendable, Equatable {
    /// `Node`
    public struct NodeInfo: Codable, Sendable, Equatable {
        public var Node: String
        public var Address: String
        public var Datacenter: String?
        public init(Node: String, Address: String, Datacenter: String? = nil) {
            self.Node = Node
            self.Address = Address
            self.Datacenter = Datacenter
        }
    }

    /// `Service`
    public struct ServiceInfo: Codable, Sendable, Equatable {
        public var ID: String
        public var Service: String
        public var Address: String
        public var Port: Int
        public var Tags: [String]?
        public var Meta: [String: String]?
        public init(
            ID: String, Service: String, Address: String, Port: Int, Tags: [String]? = nil,
            Meta: [String: String]? = nil
        ) {
            self.ID = ID
            self.Service = Service
            self.Address = Address
            self.Port = Port
            self.Tags = Tags
            self.Meta = Meta
        }
    }

    public var Node: NodeInfo
    public var Service: ServiceInfo

    public init(Node: NodeInfo, Service: ServiceInfo) {
        self.Node = Node
        self.Service = Service
    }

    /// The address to use: `Service.Address`, or `Node.Address` when empty.
    public var address: String { Service.Address.isEmpty ? Node.Address : Service.Address }

    /// Decodes the body of `/v1/health/service/<name>`.
    public static func decodeList(_ body: [UInt8]) throws(DecodingFailure) -> [ServiceEntry] {
        do {
            return try JSONDecoder().decode([ServiceEntry].self, from: Data(body))
        } catch {
            throw DecodingFailure(reason: "\(error)")
        }
    }

    /// Why a Consul answer could not be decoded.
    public struct DecodingFailure: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }
}
