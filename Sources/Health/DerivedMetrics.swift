import PromshardMetrics
import PromshardProtocol

/// The metrics the health child derives from the bus topics. Pure.
enum DerivedMetrics {
    static func families(model: HealthModel, nowMs: Int64) -> [MetricFamily] {
        let builder = model.builder
        let status = model.status()
        var out: [MetricFamily] = []
        func family(_ e: MetricsCatalog.Entry, _ kind: MetricKind, _ samples: [MetricSample]) {
            out.append(
                MetricFamily(name: e.name, help: e.help, kind: kind, bounds: e.bounds, samples: samples))
        }
        family(
            MetricsCatalog.buildInfo, .gauge,
            [
                MetricSample(
                    labels: [
                        "version": promshardVersion, "bus_protocol": String(busProtocolVersion),
                        "executor_protocol": String(executorProtocolVersion),
                    ], value: 1)
            ])
        family(MetricsCatalog.healthy, .gauge, [MetricSample(value: status.healthy ? 1 : 0)])
        family(MetricsCatalog.ready, .gauge, [MetricSample(value: model.readiness().ok ? 1 : 0)])

        let kids = builder.children?.children ?? []
        family(
            MetricsCatalog.childUp, .gauge,
            kids.map { MetricSample(labels: ["role": $0.role.rawValue], value: $0.running ? 1 : 0) })
        family(
            MetricsCatalog.childRestarts, .counter,
            kids.map { MetricSample(labels: ["role": $0.role.rawValue], value: Double($0.restarts)) })

        family(
            MetricsCatalog.collectorsHealthy, .gauge,
            status.services.map {
                MetricSample(labels: ["service": $0.service], value: Double($0.collectorsHealthy))
            })
        family(
            MetricsCatalog.collectorsTotal, .gauge,
            status.services.map {
                MetricSample(labels: ["service": $0.service], value: Double($0.collectorsTotal))
            })
        family(
            MetricsCatalog.targets, .gauge,
            status.services.map { MetricSample(labels: ["service": $0.service], value: Double($0.targets)) })

        var perCollector: [MetricSample] = []
        for s in builder.assignment?.services ?? [] {
            for c in s.collectors {
                perCollector.append(
                    MetricSample(
                        labels: ["service": s.service, "collector": c.name], value: Double(c.targetCount)))
            }
        }
        family(MetricsCatalog.collectorTargets, .gauge, perCollector)
        if let version = builder.assignment?.version {
            family(MetricsCatalog.assignmentVersion, .gauge, [MetricSample(value: Double(version))])
        }
        let totals = model.movedTotals
        family(MetricsCatalog.assignmentsSeen, .counter, [MetricSample(value: Double(totals.seen))])
        family(
            MetricsCatalog.targetsMoved, .counter,
            totals.moved.keys.sorted().map {
                MetricSample(labels: ["service": $0], value: Double(totals.moved[$0]!))
            })
        family(
            MetricsCatalog.targetsIdealMoved, .counter,
            totals.ideal.keys.sorted().map {
                MetricSample(labels: ["service": $0], value: Double(totals.ideal[$0]!))
            })

        let counts = model.deliveries.counts
        family(
            MetricsCatalog.deliveries, .counter,
            counts.keys.sorted {
                ($0.service, $0.collector, $0.status.rawValue) < (
                    $1.service, $1.collector, $1.status.rawValue
                )
            }
            .map {
                MetricSample(
                    labels: ["service": $0.service, "collector": $0.collector, "status": $0.status.rawValue],
                    value: Double(counts[$0]!))
            })
        let durations = model.deliveries.durations
        family(MetricsCatalog.deliveryDuration, .histogram, durations.keys.sorted().map { durations[$0]! })
        let services = builder.config?.services.map(\.name) ?? []
        let timeouts = model.deliveries.timeouts
        family(
            MetricsCatalog.executorTimeouts, .counter,
            Set(services).union(timeouts.keys).sorted().map {
                MetricSample(labels: ["service": $0], value: Double(timeouts[$0] ?? 0))
            })
        var lastOK: [MetricSample] = []
        for (service, records) in (builder.dispatch?.last ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (collector, record) in records.sorted(by: { $0.key < $1.key }) {
                lastOK.append(
                    MetricSample(
                        labels: ["service": service, "collector": collector],
                        value: record.status == .ok ? 1 : 0))
            }
        }
        family(MetricsCatalog.lastDeliverySuccess, .gauge, lastOK)
        if let jobs = model.activeJobs { out += jobFamilies(jobs) }
        return out
    }

    /// From `jobs.running`: jobs running and queued, and per listed job (at
    /// most ``JobsRunningBody/maxJobs``, only queued or running ones, so a
    /// job's series go when it ends) its hosts by status, units and start.
    static func jobFamilies(_ body: JobsRunningBody) -> [MetricFamily] {
        func family(_ e: MetricsCatalog.Entry, _ samples: [MetricSample]) -> MetricFamily {
            MetricFamily(name: e.name, help: e.help, kind: .gauge, samples: samples)
        }
        var hosts: [MetricSample] = []
        var units: [MetricSample] = []
        var started: [MetricSample] = []
        for job in body.jobs {
            for (status, count) in job.counts.sorted(by: { $0.key < $1.key }) {
                hosts.append(MetricSample(labels: ["job": job.id, "status": status], value: Double(count)))
            }
            units.append(
                MetricSample(labels: ["job": job.id, "state": "done"], value: Double(job.unitsDone)))
            units.append(
                MetricSample(
                    labels: ["job": job.id, "state": "pending"], value: Double(job.units - job.unitsDone)))
            if let ms = job.started {
                started.append(MetricSample(labels: ["job": job.id], value: Double(ms) / 1000))
            }
        }
        return [
            family(MetricsCatalog.jobsRunning, [MetricSample(value: Double(body.running))]),
            family(MetricsCatalog.jobsQueued, [MetricSample(value: Double(body.queued))]),
            family(MetricsCatalog.jobHosts, hosts), family(MetricsCatalog.jobUnits, units),
            family(MetricsCatalog.jobStarted, started),
        ]
    }
}
