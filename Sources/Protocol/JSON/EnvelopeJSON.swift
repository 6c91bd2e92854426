/// The envelope on the fast path: written header first,
/// `{"v":1,"type":"<topic>","from":"<role>","seq":N,"body":{...}}`, so that the header is read
/// without going through the body.
enum EnvelopeJSON {
    /// The header fields in front of `body`.
    static func prefix(type: String, from: String, seq: UInt64, capacity: Int) -> JSONWriter {
        var w = JSONWriter(capacity: capacity + 96)
        w.raw("{\"v\":")
        w.int(busProtocolVersion)
        w.raw(",\"type\":")
        w.string(type)
        w.raw(",\"from\":")
        w.string(from)
        w.raw(",\"seq\":")
        w.uint64(seq)
        w.raw(",\"body\":")
        return w
    }

    /// Reads `key`'s value into `header` when it is one of the four header keys (marks 0-3).
    private static func headerKey(
        _ key: ByteSpan, _ r: inout JSONReader, _ header: inout EnvelopeHeader, _ seen: inout SeenKeys
    ) throws(JSONReader.Failure) -> Bool {
        if key.equals("v") {
            try seen.mark(0, r)
            header.v = try r.int()
        } else if key.equals("type") {
            try seen.mark(1, r)
            header.type = try r.string()
        } else if key.equals("from") {
            try seen.mark(2, r)
            header.from = try r.string()
        } else if key.equals("seq") {
            try seen.mark(3, r)
            header.seq = try r.uint64()
        } else {
            return false
        }
        return true
    }

    /// Reads the header; stops at `body` once the four header keys were seen (then the body is
    /// not read at all), otherwise skips the body and goes on.
    static func header(_ r: inout JSONReader) throws(JSONReader.Failure) -> EnvelopeHeader {
        try r.beginObject()
        var seen = SeenKeys()
        var header = EnvelopeHeader(v: 0, type: "", from: "", seq: 0)
        var first = true
        while let key = try r.nextKey(&first) {
            if try headerKey(key, &r, &header, &seen) { continue }
            if key.equals("body") {
                try seen.mark(4, r)
                if seen.all(5) { return header }
            }
            try r.skipValue()
        }
        guard seen.all(5) else { throw r.fail("missing key") }
        return header
    }

    /// Reads a whole envelope with a hot body.
    static func envelope<Body: HotJSON>(_ r: inout JSONReader) throws(JSONReader.Failure) -> Envelope<Body> {
        try r.beginObject()
        var seen = SeenKeys()
        var header = EnvelopeHeader(v: 0, type: "", from: "", seq: 0)
        var body: Body?
        var first = true
        while let key = try r.nextKey(&first) {
            if try headerKey(key, &r, &header, &seen) { continue }
            if key.equals("body") {
                try seen.mark(4, r)
                body = try Body.read(&r)
            } else {
                try r.skipValue()
            }
        }
        try r.end()
        guard seen.all(5), let body else { throw r.fail("missing key") }
        var envelope = Envelope(type: .hello, from: .supervisor, seq: header.seq, body: body)
        envelope.v = header.v
        envelope.type = header.type
        envelope.from = header.from
        return envelope
    }
}
