extension ConfigDecoder {
    /// `jobs:`; every key is optional (see ``JobsSettings``).
    mutating func decodeJobs(_ field: Field) -> JobsSettings {
        var j = JobsSettings()
        guard let m = mapping(field, known: Keys.jobs) else { return j }
        if let f = m["store"], let s = nonEmptyString(f) {
            if s == "sqlite" || s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") {
                j.store = s
            } else {
                report(f, "must be sqlite or a postgres://user:password@host:port/database URL")
            }
        }
        j.workers = int(m, "workers", default: j.workers, min: 1)
        j.unitSize = int(m, "unit_size", default: j.unitSize, min: 1)
        j.timeout = duration(m, "timeout", default: j.timeout, positive: true)
        j.lease = duration(m, "lease", default: j.lease, positive: true)
        j.killGrace = duration(m, "kill_grace", default: j.killGrace, positive: false)
        if let f = m["executor"], let s = nonEmptyString(f) {
            j.executor = s == "ansible" || !s.contains("/") ? s : resolvePath(s)
        }
        if let f = m["params"], let entries = freeMapping(f) {
            for (key, valueField) in entries { j.params[key] = valueField.node.toJSONValue() }
        }
        return j
    }
}
