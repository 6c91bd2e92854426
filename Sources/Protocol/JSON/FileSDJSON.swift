/// The fast path for file_sd JSON documents: `[{"targets": [...], "labels": {...}}, ...]`.
///
/// It takes only documents that are valid as they stand (top level a list or `null`, groups
/// with only `targets` and `labels`, non-empty target strings, string label values with valid
/// names). For anything else it returns nil and the caller parses the document the careful way,
/// which also words the error.
public enum FileSDJSON {
    /// The groups of a plain, valid file_sd document; nil when the careful path must decide.
    public static func groups(_ bytes: [UInt8]) -> [TargetGroup]? {
        bytes.withUnsafeBufferPointer { buffer -> [TargetGroup]? in
            var r = JSONReader(buffer)
            return try? read(&r)
        }
    }

    static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> [TargetGroup] {
        if r.null() {
            try r.end()
            return []
        }
        try r.beginArray()
        var groups: [TargetGroup] = []
        var first = true
        while try r.nextElement(&first) {
            try r.beginObject()
            var seen = SeenKeys()
            var targets: [String] = []
            var labels: [String: String] = [:]
            var firstKey = true
            while let key = try r.nextKey(&firstKey) {
                if key.equals("targets") {
                    try seen.mark(0, r)
                    targets = try r.strings()
                    if targets.contains(where: \.isEmpty) { throw r.fail("empty target") }
                } else if key.equals("labels") {
                    try seen.mark(1, r)
                    if !r.null() {
                        labels = try r.labels()
                        if !labels.keys.allSatisfy(isLabelName) { throw r.fail("invalid label name") }
                    }
                } else {
                    throw r.fail("unknown key")
                }
            }
            guard seen.all(1) || seen.all(2) else { throw r.fail("missing targets") }
            groups.append(TargetGroup(targets: targets, labels: labels))
        }
        try r.end()
        return groups
    }

    /// Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        return letter(first) && name.utf8.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
    }
}
