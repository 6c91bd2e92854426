import PromshardProtocol

/// One section of the status page (`GET /`): an id (its anchor), a title
/// and its HTML, rendered from the section's own template, which escapes
/// everything it shows.
public struct StatusPageSection: Sendable, Equatable {
    public var id: String
    public var title: String
    /// Rendered HTML, inserted as is.
    public var html: String

    public init(id: String, title: String, html: String) {
        self.id = id
        self.title = title
        self.html = html
    }
}

/// What the sections of the status page are rendered from. Pure data.
public struct StatusPageInput: Sendable {
    /// The same document as `GET /api/v1/status`.
    public var document: StatusDocument
    /// Per service: `dispatch.executor` (`none` is pull mode).
    public var executors: [String: String]
    /// Per service: `hashing.replicas`.
    public var replicas: [String: Int]
    /// Per service: whether its http_sd documents are being served (false: 503 until the first assignment).
    public var serving: [String: Bool]
    /// The push router's settings, when `push:` is configured.
    public var push: PushInfo?
    /// The Pushgateways with their health (`push.gateways`), once discovery sent them.
    public var gateways: GatewaysBody?
    /// The jobs engine's settings, when `jobs:` is configured.
    public var jobs: JobsInfo?
    /// The jobs queued or running (`jobs.running`), once the jobs child sent them.
    public var jobsRunning: JobsRunningBody?
    /// Unix time in milliseconds, for "3 s ago".
    public var nowMs: Int64

    /// What the page shows of `push:`.
    public struct PushInfo: Sendable, Equatable {
        public var listen: String
        public var mode: String
        public init(listen: String, mode: String) {
            self.listen = listen
            self.mode = mode
        }
    }

    /// What the page shows of `jobs:`.
    public struct JobsInfo: Sendable, Equatable {
        /// `jobs.store`, its password redacted.
        public var store: String
        public var workers: Int
        public init(store: String, workers: Int) {
            self.store = store
            self.workers = workers
        }
    }

    public init(
        document: StatusDocument, executors: [String: String] = [:], replicas: [String: Int] = [:],
        serving: [String: Bool] = [:], push: PushInfo? = nil, gateways: GatewaysBody? = nil,
        jobs: JobsInfo? = nil, jobsRunning: JobsRunningBody? = nil, nowMs: Int64
    ) {
        self.document = document
        self.executors = executors
        self.replicas = replicas
        self.serving = serving
        self.push = push
        self.gateways = gateways
        self.jobs = jobs
        self.jobsRunning = jobsRunning
        self.nowMs = nowMs
    }

    /// The input of the model's current state.
    public static func make(model: HealthModel, nowMs: Int64) -> StatusPageInput {
        let services = model.builder.config?.services ?? []
        return StatusPageInput(
            document: StatusDocument.make(model: model, nowMs: nowMs),
            executors: Dictionary(
                services.map { ($0.name, $0.dispatch.executor) }, uniquingKeysWith: { a, _ in a }),
            replicas: Dictionary(
                services.map { ($0.name, $0.hashing.replicas) }, uniquingKeysWith: { a, _ in a }),
            serving: Dictionary(
                services.map { ($0.name, model.sd.services[$0.name] != nil) }, uniquingKeysWith: { a, _ in a }
            ),
            push: model.builder.config?.push.map { PushInfo(listen: $0.listen, mode: $0.mode.rawValue) },
            gateways: model.gateways,
            jobs: model.builder.config?.jobs.map { JobsInfo(store: $0.redactedStore, workers: $0.workers) },
            jobsRunning: model.activeJobs, nowMs: nowMs)
    }
}

/// Renders one section of the status page, or nil to leave it out.
public typealias StatusSectionRenderer = @Sendable (StatusPageInput) -> StatusPageSection?
