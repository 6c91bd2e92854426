import Foundation

/// The base64 of the Pushgateway's `@base64` path segments: URL-safe
/// alphabet, padding optional (the standard alphabet is accepted too).
enum Base64URL {
    /// Decodes a segment; nil when it is not base64 or not UTF-8.
    static func decode(_ text: String) -> String? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.hasSuffix("=") { s.removeLast() }
        if s.isEmpty { return "" }
        switch s.count % 4 {
        case 1: return nil
        case 2: s += "=="
        case 3: s += "="
        default: break
        }
        guard let data = Data(base64Encoded: s) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Encodes a value as a path segment; the empty value is `=` (the Pushgateway's convention).
    static func encode(_ value: String) -> String {
        if value.isEmpty { return "=" }
        return Data(value.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
