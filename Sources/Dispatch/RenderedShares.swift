import PromshardProtocol

/// Every collector's document of one assignment, rendered once (``Renderer``)
/// and shared by the deliveries (``DeliveryScheduler``) and the http_sd
/// index (``SDIndex``). Pure.
public struct RenderedShares: Sendable {
    /// One collector's canonical file_sd / http_sd document.
    public struct Document: Sendable, Equatable {
        public var content: [UInt8]
        /// SHA-256 of `content`, lowercase hex.
        public var sha: String
        public var targetCount: Int

        public init(content: [UInt8], targetCount: Int) {
            self.content = content
            self.sha = SHA256.hex(content)
            self.targetCount = targetCount
        }

        /// `[]`: what a collector without a share gets.
        public static let empty = Document(content: Renderer.render([]), targetCount: 0)
    }

    /// The assignment version rendered.
    public var version: UInt64
    /// Per service, per collector name.
    public var services: [String: [String: Document]]

    /// Renders every collector of every service of `assignment`.
    public init(_ assignment: AssignmentBody) {
        version = assignment.version
        var services: [String: [String: Document]] = [:]
        for service in assignment.services {
            var documents: [String: Document] = [:]
            documents.reserveCapacity(service.collectors.count)
            for c in service.collectors {
                documents[c.name] = Document(content: Renderer.render(c.groups), targetCount: c.targetCount)
            }
            services[service.service] = documents
        }
        self.services = services
    }
}
