import Logging
import PromshardCurl
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime

/// Keeps every group on its owner only.
///
/// After each change of the gateway set (and every `reconcile_interval`) it
/// lists the groups of every healthy gateway (`GET /api/v1/metrics`); a group
/// found on a gateway that does not own it is deleted there (`DELETE`), after
/// being pushed to the owner (`PUT`) when the owner lacks it. A pass whose
/// gateway set changes midway stops and the next one starts over.
struct Reconciler: Sendable {
    let rings: RingHolder
    let timeout: Duration
    let interval: Duration
    private let logger = Logger(label: "push")

    init(rings: RingHolder, timeout: Duration, interval: Duration) {
        self.rings = rings
        self.timeout = timeout
        self.interval = interval
    }

    /// Runs passes until cancelled.
    func run() async {
        var seen = -1
        var last = ContinuousClock.now
        while !Task.isCancelled {
            let version = rings.version
            if version != seen || ContinuousClock.now - last >= interval {
                seen = version
                last = ContinuousClock.now
                await pass()
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// One pass; returns how many groups were moved and deleted.
    @discardableResult
    func pass() async -> (moved: Int, deleted: Int) {
        let version = rings.version
        let ring = rings.current
        guard ring.healthy.count > 1 else { return (0, 0) }
        var listings: [String: [ListedGroup]] = [:]
        await withTaskGroup(of: (String, [ListedGroup]?).self) { group in
            for gateway in ring.healthy.values {
                group.addTask { (gateway.name, await list(gateway)) }
            }
            for await (name, groups) in group { if let groups { listings[name] = groups } }
        }
        var held: [String: Set<GroupingKey>] = listings.mapValues { Set($0.map(\.key)) }
        var moved = 0
        var deleted = 0
        for (name, groups) in listings.sorted(by: { $0.key < $1.key }) {
            guard let gateway = ring.healthy[name] else { continue }
            for group in groups {
                guard rings.version == version, !Task.isCancelled else { return (moved, deleted) }
                guard let owner = ring.owner(of: group.key), owner.name != name else { continue }
                // An owner whose listing failed is left alone this pass.
                guard let ownerHas = held[owner.name] else { continue }
                if !ownerHas.contains(group.key) {
                    let ok = await send(
                        "PUT", owner, group.key.path, body: Array(group.text.utf8),
                        contentType: "text/plain; version=0.0.4")
                    Instruments.pushReconciled(action: "moved", ok: ok)
                    guard ok else { continue }
                    held[owner.name, default: []].insert(group.key)
                    moved += 1
                    logger.info(
                        "group moved to its owner",
                        metadata: ["group": "\(group.key)", "from": "\(name)", "to": "\(owner.name)"])
                }
                let ok = await send("DELETE", gateway, group.key.path, body: nil, contentType: nil)
                Instruments.pushReconciled(action: "deleted", ok: ok)
                if ok {
                    deleted += 1
                    logger.info(
                        "copy removed from a gateway that does not own it",
                        metadata: ["group": "\(group.key)", "gateway": "\(name)", "owner": "\(owner.name)"])
                }
            }
        }
        return (moved, deleted)
    }

    private func list(_ gateway: CollectorState) async -> [ListedGroup]? {
        let url = "http://\(urlHost(gateway.address)):\(gateway.port)/api/v1/metrics"
        let timeout = self.timeout
        let logger = self.logger
        return await runBlocking { () -> [ListedGroup]? in
            do {
                let r = try HTTPClient.request(url: url, timeout: timeout, maxBodyBytes: 256 << 20)
                guard r.isSuccess else {
                    logger.warning(
                        "cannot list groups",
                        metadata: ["gateway": "\(gateway.name)", "status": "\(r.status)"])
                    return nil
                }
                return try GroupListing.parse(r.body)
            } catch {
                logger.warning(
                    "cannot list groups", metadata: ["gateway": "\(gateway.name)", "error": "\(error)"])
                return nil
            }
        }
    }

    private func send(
        _ method: String, _ gateway: CollectorState, _ path: String, body: [UInt8]?, contentType: String?
    ) async -> Bool {
        let url = "http://\(urlHost(gateway.address)):\(gateway.port)\(path)"
        var fields = ["Expect": ""]
        if let contentType { fields["Content-Type"] = contentType }
        let headers = fields
        let timeout = self.timeout
        let logger = self.logger
        return await runBlocking { () -> Bool in
            do {
                let r = try HTTPClient.request(
                    method: method, url: url, timeout: timeout, headers: headers, body: body)
                if !r.isSuccess {
                    logger.warning(
                        "reconcile request refused",
                        metadata: [
                            "method": "\(method)", "url": "\(url)", "status": "\(r.status)",
                            "body": "\(r.bodyText)",
                        ])
                }
                return r.isSuccess
            } catch {
                logger.warning(
                    "reconcile request failed",
                    metadata: ["method": "\(method)", "url": "\(url)", "error": "\(error)"])
                return false
            }
        }
    }
}
