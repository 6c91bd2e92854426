/// File names for the http_sd documents under `<state_dir>/sd/`. Pure.
///
/// Injective (two names never share a file): bytes outside
/// `[A-Za-z0-9._-]` are written `%XX`, `%` included; a name made only of
/// dots is escaped as well, so `.` and `..` never name a directory.
public enum SDFileName {
    public static func escape(_ name: String) -> String {
        let onlyDots = !name.isEmpty && name.utf8.allSatisfy { $0 == UInt8(ascii: ".") }
        var out = ""
        for byte in name.utf8 {
            let plain =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || (byte == UInt8(ascii: ".") && !onlyDots)
            if plain {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out.isEmpty ? "%" : out
    }

    /// `<state_dir>/sd/<service>/<collector>.json`.
    public static func path(stateDir: String, service: String, collector: String) -> String {
        "\(stateDir)/sd/\(escape(service))/\(escape(collector)).json"
    }
}
