/// `sd.rendered` (dispatch → health; retained): where every collector's
/// http_sd document is on disk, and its digest.
///
/// Dispatch renders each collector's share once per assignment, for every
/// service (with an executor or `none`, leader or follower), writes it to
/// `<state_dir>/sd/<service>/<collector>.json` and publishes this index.
/// The health child loads a file only when its `sha256` changed, so the
/// bus carries a few hundred bytes per collector, never the targets.
public struct SDRenderedBody: Codable, Sendable, Equatable {
    /// Per service, every collector that has a document. A service that is
    /// configured but absent has no assignment yet: its endpoints answer 503.
    public var services: [String: [SDFile]]
    /// The assignment version the documents were rendered from.
    public var version: UInt64

    public init(services: [String: [SDFile]], version: UInt64) {
        self.services = services
        self.version = version
    }
}

/// One collector's rendered http_sd document.
public struct SDFile: Codable, Sendable, Hashable {
    /// The collector's name (its `address:port` unless named).
    public var collector: String
    /// SHA-256 of the file's bytes, lowercase hex: the HTTP ETag.
    public var sha256: String
    /// Absolute path of the file (written atomically).
    public var path: String
    /// Distinct targets in the document.
    public var targets: Int

    public init(collector: String, sha256: String, path: String, targets: Int) {
        self.collector = collector
        self.sha256 = sha256
        self.path = path
        self.targets = targets
    }
}
