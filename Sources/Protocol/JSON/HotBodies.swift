/// The ``HotJSON`` readers and writers of the big bus bodies: target groups, `targets` and
/// `assignment`. Keys and optionality are exactly those of the `Codable` conformances.

extension TargetGroup: HotJSON {
    public static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> TargetGroup {
        try r.beginObject()
        var seen = SeenKeys()
        var targets: [String] = []
        var labels: [String: String] = [:]
        var first = true
        while let key = try r.nextKey(&first) {
            if key.equals("targets") {
                try seen.mark(0, r)
                targets = try r.strings()
            } else if key.equals("labels") {
                try seen.mark(1, r)
                labels = try r.labels()
            } else {
                try r.skipValue()
            }
        }
        guard seen.all(2) else { throw r.fail("missing key") }
        return TargetGroup(targets: targets, labels: labels)
    }

    public func write(_ w: inout JSONWriter) {
        w.raw("{\"targets\":")
        w.strings(targets)
        w.raw(",\"labels\":")
        w.labels(labels)
        w.byte(0x7D)
    }
}

extension SourceError: HotJSON {
    public static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> SourceError {
        try r.beginObject()
        var seen = SeenKeys()
        var service = ""
        var source = ""
        var message = ""
        var first = true
        while let key = try r.nextKey(&first) {
            if key.equals("service") {
                try seen.mark(0, r)
                service = try r.string()
            } else if key.equals("source") {
                try seen.mark(1, r)
                source = try r.string()
            } else if key.equals("message") {
                try seen.mark(2, r)
                message = try r.string()
            } else {
                try r.skipValue()
            }
        }
        guard seen.all(3) else { throw r.fail("missing key") }
        return SourceError(service: service, source: source, message: message)
    }

    public func write(_ w: inout JSONWriter) {
        w.raw("{\"service\":")
        w.string(service)
        w.raw(",\"source\":")
        w.string(source)
        w.raw(",\"message\":")
        w.string(message)
        w.byte(0x7D)
    }
}

extension Array where Element: HotJSON {
    static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> [Element] {
        try r.beginArray()
        var out: [Element] = []
        var first = true
        while try r.nextElement(&first) { out.append(try Element.read(&r)) }
        return out
    }

    func write(_ w: inout JSONWriter) {
        w.byte(0x5B)
        for (i, e) in enumerated() {
            if i > 0 { w.byte(0x2C) }
            e.write(&w)
        }
        w.byte(0x5D)
    }
}

extension TargetsBody: HotJSON {
    public static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> TargetsBody {
        try r.beginObject()
        var seen = SeenKeys()
        var services: [String: [TargetGroup]] = [:]
        var errors: [SourceError] = []
        var first = true
        while let key = try r.nextKey(&first) {
            if key.equals("services") {
                try seen.mark(0, r)
                try r.beginObject()
                var firstService = true
                while let name = try r.nextKey(&firstService) {
                    let service = try r.name(name)
                    let groups = try [TargetGroup].read(&r)
                    guard services.updateValue(groups, forKey: service) == nil else {
                        throw r.fail("duplicate key")
                    }
                }
            } else if key.equals("errors") {
                try seen.mark(1, r)
                errors = try [SourceError].read(&r)
            } else {
                try r.skipValue()
            }
        }
        guard seen.all(2) else { throw r.fail("missing key") }
        return TargetsBody(services: services, errors: errors)
    }

    public func write(_ w: inout JSONWriter) {
        w.raw("{\"services\":{")
        for (i, name) in services.keys.sorted().enumerated() {
            if i > 0 { w.byte(0x2C) }
            w.string(name)
            w.byte(0x3A)
            services[name]!.write(&w)
        }
        w.raw("},\"errors\":")
        errors.write(&w)
        w.byte(0x7D)
    }
}

extension CollectorAssignment: HotJSON {
    public static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> CollectorAssignment {
        try r.beginObject()
        var seen = SeenKeys()
        var name = ""
        var address = ""
        var port = 0
        var targetCount = 0
        var groups: [TargetGroup] = []
        var first = true
        while let key = try r.nextKey(&first) {
            if key.equals("name") {
                try seen.mark(0, r)
                name = try r.string()
            } else if key.equals("address") {
                try seen.mark(1, r)
                address = try r.string()
            } else if key.equals("port") {
                try seen.mark(2, r)
                port = try r.int()
            } else if key.equals("targetCount") {
                try seen.mark(3, r)
                targetCount = try r.int()
            } else if key.equals("groups") {
                try seen.mark(4, r)
                groups = try [TargetGroup].read(&r)
            } else {
                try r.skipValue()
            }
        }
        guard seen.all(5) else { throw r.fail("missing key") }
        return CollectorAssignment(
            name: name, address: address, port: port, targetCount: targetCount, groups: groups)
    }

    public func write(_ w: inout JSONWriter) {
        w.raw("{\"name\":")
        w.string(name)
        w.raw(",\"address\":")
        w.string(address)
        w.raw(",\"port\":")
        w.int(port)
        w.raw(",\"targetCount\":")
        w.int(targetCount)
        w.raw(",\"groups\":")
        groups.write(&w)
        w.byte(0x7D)
    }
}

extension ServiceAssignment: HotJSON {
    public static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> ServiceAssignment {
        try r.beginObject()
        var seen = SeenKeys()
        var value = ServiceAssignment(
            service: "", collectors: [], targetCount: 0, replicas: 0, moved: 0, idealMoved: 0)
        var first = true
        while let key = try r.nextKey(&first) {
            if key.equals("service") {
                try seen.mark(0, r)
                value.service = try r.string()
            } else if key.equals("collectors") {
                try seen.mark(1, r)
                value.collectors = try [CollectorAssignment].read(&r)
            } else if key.equals("targetCount") {
                try seen.mark(2, r)
                value.targetCount = try r.int()
            } else if key.equals("replicas") {
                try seen.mark(3, r)
                value.replicas = try r.int()
            } else if key.equals("moved") {
                try seen.mark(4, r)
                value.moved = try r.int()
            } else if key.equals("idealMoved") {
                try seen.mark(5, r)
                value.idealMoved = try r.int()
            } else if key.equals("warnings") {
                try seen.mark(6, r)
                value.warnings = try r.strings()
            } else if key.equals("keptPrevious") {
                // Optional: not among the required keys, but still not twice.
                try seen.mark(7, r)
                value.keptPrevious = try r.optionalString()
            } else {
                try r.skipValue()
            }
        }
        guard seen.all(7) || seen.all(8) else { throw r.fail("missing key") }
        return value
    }

    public func write(_ w: inout JSONWriter) {
        w.raw("{\"service\":")
        w.string(service)
        w.raw(",\"collectors\":")
        collectors.write(&w)
        w.raw(",\"targetCount\":")
        w.int(targetCount)
        w.raw(",\"replicas\":")
        w.int(replicas)
        w.raw(",\"moved\":")
        w.int(moved)
        w.raw(",\"idealMoved\":")
        w.int(idealMoved)
        if let keptPrevious {
            w.raw(",\"keptPrevious\":")
            w.string(keptPrevious)
        }
        w.raw(",\"warnings\":")
        w.strings(warnings)
        w.byte(0x7D)
    }
}

extension AssignmentBody: HotJSON {
    public static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> AssignmentBody {
        try r.beginObject()
        var seen = SeenKeys()
        var version: UInt64 = 0
        var services: [ServiceAssignment] = []
        var first = true
        while let key = try r.nextKey(&first) {
            if key.equals("version") {
                try seen.mark(0, r)
                version = try r.uint64()
            } else if key.equals("services") {
                try seen.mark(1, r)
                services = try [ServiceAssignment].read(&r)
            } else {
                try r.skipValue()
            }
        }
        guard seen.all(2) else { throw r.fail("missing key") }
        return AssignmentBody(version: version, services: services)
    }

    public func write(_ w: inout JSONWriter) {
        w.raw("{\"version\":")
        w.uint64(version)
        w.raw(",\"services\":")
        services.write(&w)
        w.byte(0x7D)
    }
}
