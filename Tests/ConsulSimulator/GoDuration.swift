/// Parses Go-style durations as Consul accepts them: `15s`, `500ms`, `5m`, `1h`, `1m30s`.
enum GoDuration {
    static func parse(_ text: String) -> Duration? {
        var total: Duration = .zero
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = Double(number) else { return false }
            let ms: Double
            switch unit {
            case "ns": ms = n / 1_000_000
            case "us", "µs": ms = n / 1000
            case "ms": ms = n
            case "s": ms = n * 1000
            case "m": ms = n * 60_000
            case "h": ms = n * 3_600_000
            default: return false
            }
            total += .milliseconds(Int64(ms))
            number = ""
            unit = ""
            sawAny = true
            return true
        }
        for c in text {
            if c.isNumber || c == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(c)
            } else {
                unit.append(c)
            }
        }
        if !number.isEmpty || !unit.isEmpty { guard flush() else { return nil } }
        return sawAny ? total : nil
    }
}
