import Foundation
import Logging
import PromshardConfig
import PromshardProtocol
import PromshardRuntime

/// Keeps `<state_dir>/sd/` in line with ``SDIndex`` and publishes the
/// index (`sd.rendered`) whenever it changes. Runs for every service and is
/// never gated by the leader lock.
///
/// Only files whose digest changed are written (atomically: temp file and
/// rename, so the health child never reads half a document); files of
/// collectors and services that are gone are removed.
public final class SDPublisher {
    private var documents: SDIndex.Documents = [:]
    private var written: [String: String] = [:]  // path → sha256
    private var published: SDRenderedBody?
    private let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Recomputes the index; returns the body to publish when it changed.
    public func update(
        config: PromshardConfig, assignment: AssignmentBody?, rendered: RenderedShares?, nodes: NodesBody?
    ) async -> SDRenderedBody? {
        let fresh = SDIndex.documents(
            config: config, assignment: assignment, rendered: rendered, nodes: nodes, previous: documents)
        let stateDir = config.stateDir
        var services: [String: [SDFile]] = [:]
        var writes: [(path: String, content: [UInt8])] = []
        var wanted: [String: String] = [:]
        for (service, collectors) in fresh {
            services[service] = collectors.keys.sorted().map { name in
                let document = collectors[name]!
                let path = SDFileName.path(stateDir: stateDir, service: service, collector: name)
                wanted[path] = document.sha
                if written[path] != document.sha { writes.append((path, document.content)) }
                return SDFile(
                    collector: name, sha256: document.sha, path: path, targets: document.targetCount)
            }
        }
        let removals = written.keys.filter { wanted[$0] == nil }
        let failed =
            writes.isEmpty && removals.isEmpty
            ? [:] : await runBlocking { [writes] in Self.write(writes, remove: removals) }
        for (path, sha) in wanted where failed[path] == nil { written[path] = sha }
        for path in removals { written[path] = nil }
        for (path, error) in failed.sorted(by: { $0.key < $1.key }) {
            written[path] = nil
            logger.error("cannot write http_sd document", metadata: ["path": "\(path)", "error": "\(error)"])
        }
        // A document that could not be written keeps its last published entry (its file is still there).
        for (service, files) in services where files.contains(where: { failed[$0.path] != nil }) {
            let before = published?.services[service] ?? []
            services[service] = files.compactMap { file in
                guard failed[file.path] != nil else { return file }
                return before.first { $0.collector == file.collector }
            }
        }
        documents = fresh
        let body = SDRenderedBody(services: services, version: rendered?.version ?? assignment?.version ?? 0)
        guard body.services != published?.services else { return nil }
        published = body
        return body
    }

    /// Writes and removes files; returns the paths that failed with their error.
    static func write(_ writes: [(path: String, content: [UInt8])], remove: [String]) -> [String: String] {
        var failed: [String: String] = [:]
        let fm = FileManager.default
        for (path, content) in writes {
            do {
                try fm.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(content).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                failed[path] = "\(error)"
            }
        }
        for path in remove { try? fm.removeItem(atPath: path) }
        return failed
    }
}
