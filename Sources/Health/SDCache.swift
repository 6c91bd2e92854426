import PromshardProtocol

/// The http_sd documents the health child serves, one body per collector,
/// loaded once from the files `sd.rendered` names and never rendered here.
/// Pure: the child reads the files (``needed(_:)``), this keeps the bytes.
public struct SDCache: Sendable, Equatable {
    /// One collector's document.
    public struct Entry: Sendable, Equatable {
        /// The JSON array, byte for byte as dispatch rendered it.
        public var body: [UInt8]
        /// SHA-256 of `body`, lowercase hex (the ETag, quoted).
        public var sha256: String
        public var targets: Int
        public var etag: String { "\"\(sha256)\"" }
    }

    /// Per service, per collector. A service that is absent has no documents yet.
    public private(set) var services: [String: [String: Entry]] = [:]
    /// The assignment version of the last index taken.
    public private(set) var version: UInt64?

    public init() {}

    /// The files of `index` whose bytes are not in the cache yet.
    public func needed(_ index: SDRenderedBody) -> [SDFile] {
        index.services.flatMap { service, files in
            files.filter { services[service]?[$0.collector]?.sha256 != $0.sha256 }
        }
    }

    /// Takes `index` with the bytes read for ``needed(_:)`` (by path). A file
    /// that could not be read, or whose bytes do not match its digest (a newer
    /// one replaced it meanwhile; its own index follows), keeps the entry the
    /// collector had, if any. Returns the files that were not taken.
    @discardableResult
    public mutating func take(_ index: SDRenderedBody, loaded: [String: [UInt8]]) -> [SDFile] {
        var fresh: [String: [String: Entry]] = [:]
        var missed: [SDFile] = []
        for (service, files) in index.services {
            var entries: [String: Entry] = [:]
            for file in files {
                let old = services[service]?[file.collector]
                if let old, old.sha256 == file.sha256 {
                    entries[file.collector] = old
                } else if let bytes = loaded[file.path], SHA256.hex(bytes) == file.sha256 {
                    entries[file.collector] = Entry(body: bytes, sha256: file.sha256, targets: file.targets)
                } else {
                    missed.append(file)
                    if let old { entries[file.collector] = old }
                }
            }
            fresh[service] = entries
        }
        services = fresh
        version = index.version
        return missed
    }
}
