extension Keys {
    static let push = ["listen", "mode", "gateways", "timeout", "max_body_bytes", "reconcile_interval"]
}

extension ConfigDecoder {
    /// `push:`; nil when invalid (the errors are reported).
    mutating func decodePush(_ field: Field, httpListen: String) -> PushSettings? {
        guard let m = mapping(field, known: Keys.push) else { return nil }
        var listen = "127.0.0.1:9091"
        if let f = m["listen"], let s = string(f) {
            if case .failure(let e) = Validation.hostPort(s, portRequired: true) {
                report(f, e.text)
            } else if s == httpListen {
                report(f, "push.listen \(s) is also http.listen: give the router its own port")
            } else {
                listen = s
            }
        }
        var mode = PushSettings.Mode.proxy
        if let f = m["mode"], let s = string(f) {
            if let parsed = PushSettings.Mode(rawValue: s) {
                mode = parsed
            } else {
                let allowed = PushSettings.Mode.allCases.map(\.rawValue).joined(separator: " or ")
                report(f, "unknown mode \"\(s)\": expected \(allowed)")
            }
        }
        var gateways: CollectorsConfig?
        if let f = m["gateways"] {
            gateways = decodeCollectors(f, noun: "gateways")
        } else {
            missing(m, "gateways")
        }
        let timeout = duration(m, "timeout", default: .seconds(10), positive: true)
        let maxBody = int(m, "max_body_bytes", default: 16 << 20, min: 1)
        let reconcile = duration(m, "reconcile_interval", default: .seconds(30), positive: true)
        guard let gateways else { return nil }
        return PushSettings(
            listen: listen, mode: mode, gateways: gateways, timeout: timeout, maxBodyBytes: maxBody,
            reconcileInterval: reconcile)
    }
}
