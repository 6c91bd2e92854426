/// The pull-mode requests the HTTP edge answers. Pure.
///
/// - `GET /api/v1/sd/<service>/<collector>`: Prometheus http_sd.
/// - `GET /jobs`: the OpenTelemetry Target Allocator's job list.
/// - `GET /jobs/<service>/targets[?collector_id=<collector>]`: its targets.
///
/// Path segments and query values are percent-decoded, so any name can be
/// asked for (`%2F` is a slash inside a name, not a separator).
public enum SDRoute: Equatable, Sendable {
    case sd(service: String, collector: String)
    case jobs
    case jobTargets(service: String, collector: String?)

    /// The route of a raw (still percent-encoded) path and query; nil when none matches.
    public static func parse(path: String, query: String?) -> SDRoute? {
        let raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard path.hasPrefix("/") else { return nil }
        let segments = raw.last == "" && raw.count > 1 ? Array(raw.dropLast()) : raw
        var decoded: [String] = []
        for segment in segments {
            guard let d = decode(segment) else { return nil }
            decoded.append(d)
        }
        switch decoded.count {
        case 5 where decoded[0] == "api" && decoded[1] == "v1" && decoded[2] == "sd":
            return .sd(service: decoded[3], collector: decoded[4])
        case 1 where decoded[0] == "jobs":
            return .jobs
        case 3 where decoded[0] == "jobs" && decoded[2] == "targets":
            return .jobTargets(service: decoded[1], collector: queryValue("collector_id", in: query))
        default:
            return nil
        }
    }

    /// The value of `name` in a query string (`a=1&b=2`), decoded; `+` is a space.
    static func queryValue(_ name: String, in query: String?) -> String? {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard decode(plusAsSpace(parts[0])) == name else { continue }
            return decode(parts.count > 1 ? plusAsSpace(parts[1]) : "")
        }
        return nil
    }

    private static func plusAsSpace(_ s: Substring) -> String { String(s.map { $0 == "+" ? " " : $0 }) }

    /// Percent-decodes a string (UTF-8); nil for a malformed escape or invalid UTF-8.
    static func decode(_ s: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2, let hi = hex(utf8.popFirst()!), let lo = hex(utf8.popFirst()!) else {
                return nil
            }
            bytes.append(hi << 4 | lo)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Percent-encodes one path segment or query value (RFC 3986 unreserved characters stay).
    public static func encode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let h = String(byte, radix: 16, uppercase: true)
                out += "%" + (h.count == 1 ? "0" : "") + h
            }
        }
        return out
    }
}
